import { setTimeout as sleep } from 'node:timers/promises'
import type { LiveConfig } from '../../shared/config.ts'
import type { FlushTrigger } from '../../shared/ingest.ts'
import type { Sql } from '../db/client.ts'
import { unavailable } from '../errors.ts'
import type { CommitLedger } from './spool/spool.ts'
import type { CopyRows } from './copy-text.ts'
import type { IngestEvent } from './event.ts'
import type { EventQueue } from './queue.ts'
import { backoffDelay, isTransient, type Backoff } from './retry.ts'
import type { PipelineStats } from './stats.ts'
import { deadLetter, markOnly, writePath } from './writers.ts'

export interface BatcherOptions {
  readonly queue: EventQueue
  readonly sql: Sql
  readonly stats: PipelineStats
  readonly knobs: Readonly<LiveConfig>
  readonly backoff?: Backoff
  /** Flushes in flight at once (each on its own connection). */
  readonly concurrency?: number
  readonly log?: (line: string) => void
  /** With the spool: the offset each write commits beside its rows, and who hears it did. */
  readonly ledger?: CommitLedger
}

export interface DrainReport {
  readonly drained: number
  /** Accepted events that could not be written before the deadline. */
  readonly undrained: number
}

class DrainAborted extends Error {}

interface WriteOutcome {
  readonly retries: number
  readonly deadLettered: number
}

/**
 * Takes events from the queue in batches and writes them, up to `concurrency` batches
 * at once: a batch flushes when it is full (events or bytes) or when its oldest event has
 * waited the flush interval. Transient database errors are retried with backoff for
 * as long as it takes, so an accepted event is never dropped; the queue fills meanwhile
 * and admission refuses new work.
 */
export class Batcher {
  readonly #queue: EventQueue
  readonly #sql: Sql
  readonly #stats: PipelineStats
  readonly #knobs: Readonly<LiveConfig>
  readonly #backoff: Backoff
  readonly #log: (line: string) => void
  readonly #abort = new AbortController()
  #wake: (() => void) | undefined
  #idle = false
  #draining = false
  #writingEvents = 0
  #writers = 0
  /** The latest write attempt failed transiently: the database is taken to be down. */
  #failing = false
  readonly #concurrency: number
  #loop: Promise<void> | undefined
  #stopped = false
  readonly #ledger: CommitLedger | undefined

  constructor({ queue, sql, stats, knobs, backoff = { baseMs: 50, capMs: 5_000 }, concurrency = 2, log = () => {}, ledger }: BatcherOptions) {
    this.#ledger = ledger
    this.#concurrency = concurrency
    this.#queue = queue
    this.#sql = sql
    this.#stats = stats
    this.#knobs = knobs
    this.#backoff = backoff
    this.#log = log
    queue.onEnqueue(() => {
      if (this.#wake && (this.#idle || queue.events >= knobs.batchMaxEvents || queue.bytes >= knobs.batchMaxBytes)) this.#wake()
    })
  }

  /** True while writes are failing and being retried. */
  get databaseDown(): boolean {
    return this.#stats.writerState === 'retrying'
  }

  /** The loop has ended (after a drain): nothing queued from now on would be written. */
  get stopped(): boolean {
    return this.#stopped
  }

  start(): void {
    this.#loop ??= this.#run()
  }

  /** Re-reads the knobs now rather than when the current wait ends (after PATCH /api/config). */
  nudge(): void {
    this.#wake?.()
  }

  /** Flushes everything queued, then stops; gives up on what is left after `timeoutMs`. */
  async drain(timeoutMs: number): Promise<DrainReport> {
    const before = this.#stats.eventsCommitted + this.#stats.deadLettered
    this.#draining = true
    this.#wake?.()
    const timer = setTimeout(() => this.#abort.abort(), timeoutMs)
    try {
      this.start()
      await this.#loop
    } finally {
      clearTimeout(timer)
    }
    const undrained = this.#queue.events + this.#writingEvents
    this.#stats.writerState = 'stopped'
    if (undrained > 0) this.#failQueued()
    return { drained: this.#stats.eventsCommitted + this.#stats.deadLettered - before, undrained }
  }

  /**
   * Up to `concurrency` flushes in flight: while one batch is on its way to the
   * database the next is written on another connection. Under load a flush spends most
   * of its time waiting for event-loop turns, not for PostgreSQL, so a second writer
   * keeps the database fed.
   */
  async #run(): Promise<void> {
    const flushing = new Set<Promise<void>>()
    try {
      for (let trigger = await this.#nextTrigger(); trigger; trigger = await this.#nextTrigger()) {
        const flush = this.#flush(trigger)
        flushing.add(flush)
        flush.then(() => flushing.delete(flush), () => {})
        while (flushing.size >= this.#concurrency) await Promise.race(flushing)
      }
      await Promise.all(flushing)
    } catch (error) {
      await Promise.allSettled(flushing)
      if (!(error instanceof DrainAborted)) throw error
    } finally {
      this.#stopped = true
    }
  }

  #succeeded(): void {
    if (!this.#failing) return
    this.#failing = false
    this.#updateState()
  }

  #updateState(): void {
    this.#stats.writerState = this.#failing ? 'retrying' : this.#writers > 0 ? 'writing' : 'idle'
  }

  async #nextTrigger(): Promise<FlushTrigger | undefined> {
    const queue = this.#queue
    const knobs = this.#knobs
    for (;;) {
      if (this.#abort.signal.aborted) return this.#stop()
      if (queue.events === 0) {
        // Decided in the same turn as this look at the queue, so a late enqueue is
        // refused (Pipeline.accept) rather than queued with nothing left to write it.
        if (this.#draining) return this.#stop()
        await this.#sleep(undefined)
        continue
      }
      if (this.#draining) return 'drain'
      if (queue.events >= knobs.batchMaxEvents) return 'size'
      if (queue.bytes >= knobs.batchMaxBytes) return 'bytes'
      const wait = queue.oldestAt! + knobs.flushIntervalMs - performance.now()
      if (wait <= 0) return 'interval'
      await this.#sleep(wait)
    }
  }

  #stop(): undefined {
    this.#stopped = true
    return undefined
  }

  /** Waits `ms` (or until an enqueue when undefined), cut short by a full batch or drain. */
  #sleep(ms: number | undefined): Promise<void> {
    return new Promise<void>((resolve) => {
      const timer = ms === undefined ? undefined : setTimeout(done, Math.ceil(ms))
      this.#idle = ms === undefined
      this.#wake = done
      function done() {
        clearTimeout(timer)
        resolve()
      }
    }).finally(() => {
      this.#wake = undefined
      this.#idle = false
    })
  }

  async #flush(trigger: FlushTrigger): Promise<void> {
    const batch = this.#queue.take(this.#knobs.batchMaxEvents, this.#knobs.batchMaxBytes)
    const started = performance.now()
    const { rows } = batch
    this.#writingEvents += rows.count
    this.#writers++
    this.#updateState()
    let outcome: WriteOutcome
    try {
      outcome = await this.#write(rows, batch.firstSeq)
    } catch (error) {
      for (const [ticket] of batch.tickets) ticket.reject(unavailable('shut down before the events were committed'))
      throw error
    }
    this.#writingEvents -= rows.count
    this.#writers--
    this.#updateState()
    this.#stats.eventsCommitted += rows.count - outcome.deadLettered
    this.#stats.deadLettered += outcome.deadLettered
    this.#stats.recordFlush({
      at: Date.now(),
      events: rows.count,
      bytes: rows.bytes,
      durationMs: performance.now() - started,
      trigger,
      retries: outcome.retries,
    })
    for (const [ticket, count] of batch.tickets) {
      ticket.remaining -= count
      if (ticket.remaining === 0) ticket.resolve()
    }
  }

  /**
   * Writes until the database takes the batch. A batch it refuses as data is split in
   * halves until the bad event is alone; that one goes to events_dead_letter.
   */
  async #write(rows: CopyRows, firstSeq: number | undefined): Promise<WriteOutcome> {
    const { write } = writePath(this.#knobs.writer)
    for (let retries = 0; ; ) {
      try {
        // Asked each attempt: whether this batch continues the committed prefix can change while it retries.
        await write(this.#sql, rows, this.#knobs.dbLatencyMs, this.#mark(firstSeq, rows.count))
        this.#committed(firstSeq, rows.count)
        this.#succeeded()
        if (retries > 0) this.#log(`database write succeeded after ${retries} retries`)
        return { retries, deadLettered: 0 }
      } catch (error) {
        if (isTransient(error)) {
          await this.#retryAfter(error, retries++)
          continue
        }
        if (rows.count === 1) return { retries, deadLettered: await this.#deadLetter(rows.events()[0]!, error, firstSeq) }
        const middle = rows.count >>> 1
        const first = await this.#write(rows.slice(0, middle), firstSeq)
        const second = await this.#write(rows.slice(middle), firstSeq === undefined ? undefined : firstSeq + middle)
        return { retries: retries + first.retries + second.retries, deadLettered: first.deadLettered + second.deadLettered }
      }
    }
  }

  async #deadLetter(event: IngestEvent, error: unknown, seq: number | undefined): Promise<number> {
    const detail = `${(error as { code?: string }).code ?? ''} ${(error as Error).message}`.trim()
    for (let retries = 0; ; ) {
      try {
        await deadLetter(this.#sql, event, detail, this.#mark(seq, 1))
        this.#committed(seq, 1)
        this.#succeeded()
        this.#log(`an event the database refused went to events_dead_letter: ${detail}`)
        return 1
      } catch (deadLetterError) {
        if (!isTransient(deadLetterError)) {
          // Nowhere left to put it. Said loudly, and the writer goes on: a throw here would
          // end in a promise nobody awaits and take the process down without a word.
          this.#stats.dbErrors++
          this.#log(`LOST an event the database refused (${detail}); events_dead_letter refused it too: ${(deadLetterError as Error).message}; raw: ${event.raw.slice(0, 200)}`)
          await this.#giveUp(seq)
          return 0
        }
        await this.#retryAfter(deadLetterError, retries++)
      }
    }
  }

  #mark(firstSeq: number | undefined, count: number) {
    return firstSeq === undefined ? undefined : this.#ledger?.mark(firstSeq, firstSeq + count - 1)
  }

  #committed(firstSeq: number | undefined, count: number): void {
    if (firstSeq !== undefined) this.#ledger?.committed(firstSeq, firstSeq + count - 1)
  }

  /** A lost event must not hold the spool's offset back (nor come back at every start). */
  async #giveUp(seq: number | undefined): Promise<void> {
    const mark = this.#mark(seq, 1)
    if (!mark) return
    try {
      await markOnly(this.#sql, mark)
      this.#committed(seq, 1)
    } catch (error) {
      this.#log(`could not mark the lost event ${seq} as done in the spool: ${(error as Error).message}`)
    }
  }

  async #retryAfter(error: unknown, attempt: number): Promise<void> {
    this.#stats.dbErrors++
    this.#stats.dbRetries++
    this.#failing = true
    this.#updateState()
    if (attempt === 0) this.#log(`database write failed, retrying: ${(error as Error).message}`)
    try {
      await sleep(backoffDelay(attempt, this.#backoff), undefined, { signal: this.#abort.signal })
    } catch {
      throw new DrainAborted()
    }
  }

  /** After a drain deadline: answer the `?wait=commit` requests still waiting. */
  #failQueued(): void {
    const left = this.#queue.take(Number.MAX_SAFE_INTEGER, Number.MAX_SAFE_INTEGER)
    for (const [ticket] of left.tickets) ticket.reject(unavailable('shut down before the events were committed'))
  }
}
