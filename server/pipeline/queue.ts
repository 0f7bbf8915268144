import { CopyRows } from './copy-text.ts'

/** Settles a `?wait=commit` request once every one of its events is committed. */
export interface Ticket {
  remaining: number
  resolve(): void
  reject(error: Error): void
}

interface Entry {
  readonly rows: CopyRows
  /** How many of `rows` were already taken into a batch. */
  taken: number
  readonly enqueuedAt: number
  readonly ticket: Ticket | undefined
  /** Spool sequence number of the first row, with the spool. */
  readonly firstSeq: number | undefined
}

export interface Batch {
  readonly rows: CopyRows
  /** Tickets with how many of their events this batch carries. */
  readonly tickets: Array<[Ticket, number]>
  /** When the oldest event in the batch was queued (performance.now()). */
  readonly oldestAt: number
  /** Spool sequence number of the first row; the batch's events are numbered without gaps. */
  readonly firstSeq: number | undefined
}

export interface Capacity {
  maxEvents: number
  maxBytes: number
}

/**
 * A FIFO of whole requests, bounded in events and bytes, each request held as its COPY
 * rows (bytes are what those rows take). A request goes in whole or not at all; the
 * batcher takes rows from the front, splitting a request across batches when it must.
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
  tryEnqueue(rows: CopyRows, ticket?: Ticket): boolean {
    if (!this.fits(rows.count, rows.bytes)) return false
    this.enqueue(rows, ticket, undefined)
    return true
  }

  /** Queues the request without looking at capacity (the spool's events, already on disk and acknowledged). */
  enqueue(rows: CopyRows, ticket: Ticket | undefined, firstSeq: number | undefined): void {
    this.#entries.push({ rows, taken: 0, enqueuedAt: performance.now(), ticket, firstSeq })
    this.#events += rows.count
    this.#bytes += rows.bytes
    this.#onEnqueue?.()
  }

  /** Removes up to `maxEvents` events / `maxBytes` bytes (at least one event) from the front. */
  take(maxEvents: number, maxBytes: number): Batch {
    const parts: CopyRows[] = []
    const tickets: Array<[Ticket, number]> = []
    let events = 0
    let bytes = 0
    const oldestAt = this.oldestAt ?? performance.now()
    const head = this.#entries[this.#head]
    const firstSeq = head?.firstSeq === undefined ? undefined : head.firstSeq + head.taken
    while (this.#head < this.#entries.length && events < maxEvents) {
      const entry = this.#entries[this.#head]!
      const { rows } = entry
      // A gap in the numbering (a replay skipping what was committed) ends the batch, so
      // a batch's commit offset is one stretch.
      if (firstSeq !== undefined && entry.firstSeq !== firstSeq + events - entry.taken) break
      const from = entry.taken
      let to = from
      while (to < rows.count && events < maxEvents) {
        const rowBytes = rows.ends[to]! - rows.start(to)
        if (events > 0 && bytes + rowBytes > maxBytes) break
        bytes += rowBytes
        events++
        to++
      }
      if (to > from) {
        parts.push(rows.slice(from, to))
        if (entry.ticket) tickets.push([entry.ticket, to - from])
      }
      entry.taken = to
      if (to < rows.count) break
      this.#entries[this.#head++] = undefined as unknown as Entry
    }
    this.#events -= events
    this.#bytes -= bytes
    if (this.#head > 1024 && this.#head * 2 > this.#entries.length) {
      this.#entries = this.#entries.slice(this.#head)
      this.#head = 0
    }
    this.#onTake?.()
    return { rows: CopyRows.concat(parts), tickets, oldestAt, firstSeq }
  }
}
