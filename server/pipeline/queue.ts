import type { IngestEvent } from './event.ts'

/** Settles a `?wait=commit` request once every one of its events is committed. */
export interface Ticket {
  remaining: number
  resolve(): void
  reject(error: Error): void
}

interface Entry {
  readonly events: readonly IngestEvent[]
  /** How many of `events` were already taken into a batch. */
  taken: number
  readonly enqueuedAt: number
  readonly ticket: Ticket | undefined
  /** Spool sequence number of events[0], with the spool. */
  readonly firstSeq: number | undefined
}

export interface Batch {
  readonly events: IngestEvent[]
  readonly bytes: number
  /** Tickets with how many of their events this batch carries. */
  readonly tickets: Array<[Ticket, number]>
  /** When the oldest event in the batch was queued (performance.now()). */
  readonly oldestAt: number
  /** Spool sequence number of events[0]; the batch's events are numbered without gaps. */
  readonly firstSeq: number | undefined
}

export interface Capacity {
  maxEvents: number
  maxBytes: number
}

/**
 * A FIFO of whole requests, bounded in events and bytes. A request goes in whole or not
 * at all; the batcher takes events from the front, splitting a request across batches
 * when it must.
 */
export class EventQueue {
  #entries: Entry[] = []
  #head = 0
  #events = 0
  #bytes = 0
  #onEnqueue: (() => void) | undefined
  #onTake: (() => void) | undefined

  constructor(readonly capacity: Capacity) {}

  get events(): number { return this.#events }
  get bytes(): number { return this.#bytes }
  /** performance.now() of the oldest queued event, or undefined when empty. */
  get oldestAt(): number | undefined { return this.#entries[this.#head]?.enqueuedAt }

  /** Called after each successful enqueue (the batcher's wake-up). */
  onEnqueue(listener: () => void): void { this.#onEnqueue = listener }

  /** Called after each take (room was made: the spool's feeder waits for it). */
  onTake(listener: () => void): void { this.#onTake = listener }

  /** Would `events` more events of `bytes` fit? */
  fits(events: number, bytes: number): boolean {
    return this.#events + events <= this.capacity.maxEvents && this.#bytes + bytes <= this.capacity.maxBytes
  }

  /** Queues the whole request, or nothing: returns false when it does not fit. */
  tryEnqueue(events: readonly IngestEvent[], bytes: number, ticket?: Ticket): boolean {
    if (!this.fits(events.length, bytes)) return false
    this.enqueue(events, bytes, ticket, undefined)
    return true
  }

  /** Queues the request without looking at capacity (the spool's events, already on disk and acknowledged). */
  enqueue(events: readonly IngestEvent[], bytes: number, ticket: Ticket | undefined, firstSeq: number | undefined): void {
    this.#entries.push({ events, taken: 0, enqueuedAt: performance.now(), ticket, firstSeq })
    this.#events += events.length
    this.#bytes += bytes
    this.#onEnqueue?.()
  }

  /** Removes up to `maxEvents` events / `maxBytes` bytes (at least one event) from the front. */
  take(maxEvents: number, maxBytes: number): Batch {
    const events: IngestEvent[] = []
    const tickets: Array<[Ticket, number]> = []
    let bytes = 0
    const oldestAt = this.oldestAt ?? performance.now()
    const head = this.#entries[this.#head]
    const firstSeq = head?.firstSeq === undefined ? undefined : head.firstSeq + head.taken
    while (this.#head < this.#entries.length && events.length < maxEvents) {
      const entry = this.#entries[this.#head]!
      // A gap in the numbering (a replay skipping what was committed) ends the batch, so
      // a batch's commit offset is one stretch.
      if (firstSeq !== undefined && entry.firstSeq !== firstSeq + events.length - entry.taken) break
      const before = events.length
      while (entry.taken < entry.events.length && events.length < maxEvents) {
        const event = entry.events[entry.taken]!
        if (events.length > 0 && bytes + event.bytes > maxBytes) break
        events.push(event)
        bytes += event.bytes
        entry.taken++
      }
      if (entry.ticket && events.length > before) tickets.push([entry.ticket, events.length - before])
      if (entry.taken < entry.events.length) break
      this.#entries[this.#head++] = undefined as unknown as Entry
    }
    this.#events -= events.length
    this.#bytes -= bytes
    if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head)
      this.#head = 0
    }
    this.#onTake?.()
    return { events, bytes, tickets, oldestAt, firstSeq }
  }
}
