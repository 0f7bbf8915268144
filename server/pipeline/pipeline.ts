import type { LiveConfig } from '../../shared/config.ts'
import type { Lifecycle } from '../../shared/metrics.ts'
import type { Config } from '../config.ts'
import type { Sql } from '../db/client.ts'
import { invalidEvent, overloaded, queueFull, unavailable } from '../errors.ts'
import { Batcher, type DrainReport } from './batcher.ts'
import type { IngestEvent } from './event.ts'
import { EventQueue, type Ticket } from './queue.ts'
import { isTransient } from './retry.ts'
import { PipelineStats } from './stats.ts'
import { insertBatch } from './writers.ts'

export type { Lifecycle } from '../../shared/metrics.ts'

export function liveConfigFrom(config: Config): LiveConfig {
  return {
    queueMaxEvents: config.queueMaxEvents,
    queueMaxBytes: config.queueMaxBytes,
    batchMaxEvents: config.batchMaxEvents,
    batchMaxBytes: config.batchMaxBytes,
    flushIntervalMs: config.flushIntervalMs,
    maxInflight: config.maxInflight,
    maxInflightBytes: config.maxInflightBytes,
    maxBodyBytes: config.maxBodyBytes,
    writer: config.writer,
    ack: 'queued',
    dbLatencyMs: 0,
  }
}

export interface Admission {
  /** Gives the reservation back; call exactly once. */
  release(): void
}

/**
 * Admission, queue and batcher behind one small surface: what the ingest route,
 * readiness, metrics and shutdown need, and nothing of HTTP.
 */
export class Pipeline {
  readonly stats = new PipelineStats()
  readonly knobs: LiveConfig
  readonly queue: EventQueue
  readonly batcher: Batcher
  readonly sql: Sql
  state: Lifecycle = 'starting'
  inflightRequests = 0
  inflightBytes = 0
  readonly #highWatermark: number
  /** Moving average of events per accepted request, for admission's estimate. */
  #eventsPerRequest = 1

  constructor(config: Config, sql: Sql, log: (line: string) => void) {
    this.sql = sql
    this.knobs = liveConfigFrom(config)
    this.#highWatermark = config.queueHighWatermark
    const knobs = this.knobs
    // The queue reads its capacity from the live knobs, so PATCH /api/config resizes it at once.
    this.queue = new EventQueue({
      get maxEvents() { return knobs.queueMaxEvents },
      get maxBytes() { return knobs.queueMaxBytes },
    })
    this.batcher = new Batcher({ queue: this.queue, sql, stats: this.stats, knobs, concurrency: config.writerConcurrency, log })
  }

  start(): void {
    this.batcher.start()
    this.state = 'serving'
  }

  /** Why the server is not ready, or undefined when it is. */
  notReadyBecause(): string | undefined {
    if (this.state !== 'serving') return this.state
    if (this.batcher.databaseDown) return 'database unreachable'
    const fill = Math.max(this.queue.events / this.knobs.queueMaxEvents, this.queue.bytes / this.knobs.queueMaxBytes)
    if (fill > this.#highWatermark) return `queue ${Math.round(fill * 100)}% full`
    return undefined
  }

  /**
   * Checks, before a byte of the body is read, that this request may go on: the server
   * is serving, inflight requests and bytes are under their caps, the queue has room.
   * `reserveBytes` is what the body may take (its Content-Length, or the body limit).
   */
  admit(reserveBytes: number): Admission {
    if (this.state !== 'serving') throw unavailable(this.state === 'starting' ? 'starting' : 'shutting down')
    const knobs = this.knobs
    if (this.inflightRequests >= knobs.maxInflight) throw overloaded(`${this.inflightRequests} requests in flight (cap ${knobs.maxInflight})`)
    if (this.inflightBytes + reserveBytes > knobs.maxInflightBytes) throw overloaded(`${this.inflightBytes} bytes in flight (cap ${knobs.maxInflightBytes})`)
    // Requests already being read will want queue room too: refusing now, before the body
    // is read and parsed, is what keeps 429s fast when the queue is at its edge.
    const expected = Math.max(1, Math.ceil(this.inflightRequests * this.#eventsPerRequest))
    if (knobs.writer !== 'direct' && !this.queue.fits(expected, 1)) throw this.#queueRefusal()
    this.inflightRequests++
    this.inflightBytes += reserveBytes
    let released = false
    return {
      release: () => {
        if (released) return
        released = true
        this.inflightRequests--
        this.inflightBytes -= reserveBytes
      },
    }
  }

  /**
   * Takes a request's events whole or refuses them. Resolves when they are queued, or
   * committed when `waitCommit` (or with the `direct` writer, which has no queue).
   */
  async accept(events: IngestEvent[], bytes: number, waitCommit: boolean): Promise<{ committed: boolean }> {
    if (this.state !== 'serving' && this.state !== 'draining') throw unavailable('shutting down')
    if (this.knobs.writer === 'direct') {
      await this.#writeDirect(events)
      this.#accepted(events.length, bytes)
      this.stats.eventsCommitted += events.length
      return { committed: true }
    }
    // A request still being read when the drain finished must not get a 202 for events
    // that nothing will write.
    if (this.batcher.stopped) throw unavailable('shutting down')
    let ticket: Ticket | undefined
    const committed = waitCommit
      ? new Promise<void>((resolve, reject) => {
          ticket = { remaining: events.length, resolve, reject }
        })
      : undefined
    if (!this.queue.tryEnqueue(events, bytes, ticket)) throw this.#queueRefusal()
    this.#accepted(events.length, bytes)
    await committed
    return { committed: waitCommit }
  }

  /** Stops taking requests and writes out the queue, within `timeoutMs`. */
  async drain(timeoutMs: number): Promise<DrainReport> {
    this.state = 'draining'
    const report = await this.batcher.drain(timeoutMs)
    this.state = 'stopped'
    return report
  }

  #accepted(events: number, bytes: number): void {
    this.stats.requestsAccepted++
    this.stats.eventsAccepted += events
    this.#eventsPerRequest += (events - this.#eventsPerRequest) * EVENTS_PER_REQUEST_WEIGHT
    this.stats.bytesAccepted += bytes
  }

  #queueRefusal() {
    return this.batcher.databaseDown ? unavailable('database unreachable and queue full') : queueFull()
  }

  async #writeDirect(events: IngestEvent[]): Promise<void> {
    try {
      await insertBatch(this.sql, events, this.knobs.dbLatencyMs)
    } catch (error) {
      this.stats.dbErrors++
      if (!isTransient(error)) throw invalidEvent(0, `the database refused the events: ${(error as Error).message}`)
      throw unavailable(`database write failed: ${(error as Error).message}`)
    }
  }
}

// Weight of the newest request in the events-per-request moving average (~20 requests).
const EVENTS_PER_REQUEST_WEIGHT = 0.05
