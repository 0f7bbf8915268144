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
}

export interface Batch {
  readonly events: IngestEvent[]
  readonly bytes: number
  /** Tickets with how many of their events this batch carries. */
  readonly tickets: Array<[Ticket, number]>
  /** When the oldest event in the batch was queued (performance.now()). */
  readonly oldestAt: number
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

  constructor(readonly capacity: Capacity) {}

  get events(): number { return this.#events }
  get bytes(): number { return this.#bytes }
  /** performance.now() of the oldest queued event, or undefined when empty. */
  get oldestAt(): number | undefined { return this.#entries[this.#head]?.enqueuedAt }

  /** Called after each successful enqueue (the batcher's wake-up). */
  onEnqueue(listener: () => void): void { this.#onEnqueue = listener }

  /** Would `events` more events of `bytes` fit? */
  fits(events: number, bytes: number): boolean {
    return this.#events + events <= this.capacity.maxEvents && this.#bytes + bytes <= this.capacity.maxBytes
  }

  /** Queues the whole request, or nothing: returns false when it does not fit. */
  tryEnqueue(events: readonly IngestEvent[], bytes: number, ticket?: Ticket): boolean {
    if (!this.fits(events.length, bytes)) return false
    this.#entries.push({ events, taken: 0, enqueuedAt: performance.now(), ticket })
    this.#events += events.length
    this.#bytes += bytes
    this.#onEnqueue?.()
    return true
  }

  /** Removes up to `maxEvents` events / `maxBytes` bytes (at least one event) from the front. */
  take(maxEvents: number, maxBytes: number): Batch {
    const events: IngestEvent[] = []
    const tickets: Array<[Ticket, number]> = []
    let bytes = 0
    const oldestAt = this.oldestAt ?? performance.now()
    while (this.#head < this.#entries.length && events.length < maxEvents) {
      const entry = this.#entries[this.#head]!
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
    return { events, bytes, tickets, oldestAt }
  }
}
