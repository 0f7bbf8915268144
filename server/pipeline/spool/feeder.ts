import { CopyRows } from '../copy-text.ts'
import type { EventQueue } from '../queue.ts'
import type { Appended } from './log.ts'
import { SpoolReader, START, type Cursor, type ReadRecord } from './reader.ts'
import type { Spool } from './spool.ts'

// How much of the log one read takes: a few batches' worth, not the whole backlog.
const READ_BYTES = 1024 * 1024

/**
 * Puts spooled events into the in-memory queue, in sequence order. A request made
 * durable goes straight in when memory has room and nothing older waits on disk; else
 * it stays on disk only, and the feeder reads it back as the batcher makes room. Replay
 * at start is the same path: at first, everything waits on disk.
 */
export class Feeder {
  readonly #spool: Spool
  readonly #queue: EventQueue
  readonly #reader: SpoolReader
  /** Every seq up to here is queued, being written, or committed. */
  #fedThrough: number
  /** Where the record after #fedThrough starts on disk. */
  #cursor: Cursor = START
  /** Something past #fedThrough is on disk only: new arrivals must queue behind it. */
  #fromDisk = true
  #reading: Promise<void> | undefined
  #stopped = false
  #room: (() => void) | undefined

  constructor(spool: Spool, queue: EventQueue) {
    this.#spool = spool
    this.#queue = queue
    this.#reader = new SpoolReader(spool.log)
    this.#fedThrough = spool.commits.through
    queue.onTake(() => this.#wakeRoom())
  }

  /** Starts the replay of what the spool held at start (then feeds whatever memory could not take). */
  start(): void {
    this.#readDisk()
  }

  /** Resolves when nothing waits on disk (at once when nothing does). */
  async settled(): Promise<void> {
    while (this.#reading) await this.#reading
  }

  /**
   * Takes a request just made durable. Called in the same turn its append resolved, so
   * requests arrive in sequence order.
   */
  offer(appended: Appended, rows: CopyRows): void {
    if (appended.lastSeq <= this.#fedThrough) return
    if (!this.#fromDisk && appended.firstSeq === this.#fedThrough + 1 && this.#queue.fits(rows.count, rows.bytes)) {
      this.#queue.enqueue(rows, undefined, appended.firstSeq)
      this.#fedThrough = appended.lastSeq
      this.#cursor = { segment: appended.segment, offset: appended.end }
      return
    }
    this.#fromDisk = true
    this.#readDisk()
  }

  /** Stops reading; what is left stays on disk for the next start. */
  async stop(): Promise<void> {
    this.#stopped = true
    this.#wakeRoom()
    await this.settled()
    await this.#reader.close()
  }

  #readDisk(): void {
    if (this.#reading || this.#stopped) return
    this.#reading = this.#drainDisk().finally(() => {
      this.#reading = undefined
    })
  }

  async #drainDisk(): Promise<void> {
    while (!this.#stopped) {
      const records = await this.#reader.read(this.#cursor, READ_BYTES)
      for (const record of records) {
        await this.#feed(record)
        if (this.#stopped) return
      }
      // Decided in the same turn as the look at the log's end: an append made durable
      // after it is offered (and queued) by its request, one made durable before it was
      // ignored by offer() and is read here first.
      if (records.length === 0 && this.#reader.atEnd(this.#cursor)) {
        this.#fromDisk = false
        return
      }
    }
  }

  async #feed(record: ReadRecord): Promise<void> {
    const { firstSeq, count } = record.header
    const lastSeq = firstSeq + count - 1
    if (lastSeq > this.#fedThrough) {
      // A copy: the payload is a view into the reader's buffer, which is read a megabyte at a time.
      const rows = CopyRows.fromText(Buffer.from(record.payload), count)
      // After a crash some of a record's events may be committed already (a batch took
      // part of it): queue each uncommitted stretch as its own entry.
      const commits = this.#spool.commits
      let from = -1
      for (let i = 0; i <= count; i++) {
        const wanted = i < count && firstSeq + i > this.#fedThrough && !commits.has(firstSeq + i)
        if (wanted && from < 0) from = i
        if (!wanted && from >= 0) {
          await this.#enqueue(rows.slice(from, i), firstSeq + from)
          if (this.#stopped) return
          from = -1
        }
      }
    }
    this.#fedThrough = Math.max(this.#fedThrough, lastSeq)
    this.#cursor = record.next
  }

  async #enqueue(rows: CopyRows, firstSeq: number): Promise<void> {
    // A stretch larger than the whole queue still goes in, alone, or it would never go.
    while (!this.#queue.fits(rows.count, rows.bytes) && this.#queue.events > 0) {
      await new Promise<void>((resolve) => { this.#room = resolve })
      if (this.#stopped) return
    }
    this.#queue.enqueue(rows, undefined, firstSeq)
    if (firstSeq <= this.#spool.recoveredThrough) this.#spool.replayedAtStart += Math.min(rows.count, this.#spool.recoveredThrough - firstSeq + 1)
  }

  #wakeRoom(): void {
    const room = this.#room
    this.#room = undefined
    room?.()
  }
}
