import type { Server } from 'node:http'
import type { Socket } from 'node:net'
import { createHistogram, performance, type EventLoopUtilization } from 'node:perf_hooks'
import { FLUSH_TRIGGERS, type FlushTrigger } from '../../shared/ingest.ts'
import type { FlushSample, IngestCounts } from '../../shared/metrics.ts'
import { zeroCounts } from '../../shared/records.ts'
import type { Pipeline } from '../pipeline/pipeline.ts'
import type { PipelineStats } from '../pipeline/stats.ts'
import { BucketHistogram } from './histogram.ts'
import { LogHistogram } from './log-histogram.ts'


const FLUSH_EVENT_BOUNDS = [1, 10, 50, 100, 500, 1_000, 2_500, 5_000, 10_000, 50_000, 100_000]
const FLUSH_SECONDS_BOUNDS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10]
/**
 * Request seconds, 0.5 ms to 10 s in 1-2-5 steps. 5 ms and 50 ms are bounds on purpose:
 * they are the overload targets for refusals and accepted requests, so "p99 within the
 * target" reads straight off one bucket, without interpolation.
 */
const REQUEST_SECONDS_BOUNDS = [0.0005, 0.001, 0.002, 0.005, 0.01, 0.02, 0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10]
/**
 * Event-loop delay seconds, 1-2-5 from 0.5 ms to 10 s. The probe fires every 2 ms and
 * records how late it came, so an idle loop fills the lowest bucket and one stall of
 * 300 ms is one sample in the 0.5 s bucket.
 */
const LOOP_SECONDS_BOUNDS = REQUEST_SECONDS_BOUNDS
/** Flushes kept for the next tick if no tick takes them (only while the sampler is stopped). */
const MAX_PENDING_FLUSHES = 4_096

/** How an ingest request ended: a 2xx, or anything else (refused by admission, a limit, or invalid). */
export const REQUEST_OUTCOMES = ['accepted', 'refused'] as const
export type RequestOutcome = (typeof REQUEST_OUTCOMES)[number]

export interface LoopSample {
  delayP50Ms: number
  delayP99Ms: number
  delayMaxMs: number
  utilization: number
}

export interface LatencySample {
  count: number
  p50Ms: number | null
  p99Ms: number | null
}

/** Requests bursts' generators sent, late and skipped since start, warm-ups included. */
export interface BurstRequestCounts {
  sent: number
  late: number
  skipped: number
}

/** What the SSE fan-out reports about itself. */
export interface SseFigures {
  readonly clients: number
  readonly bufferedBytes: number
  readonly droppedTotal: number
}

/** Flush durations are kept to the microsecond, like the histograms' figures, so both views show the same numbers. */
const micros = (ms: number) => Math.round(ms * 1000) / 1000

const zeroTriggers = () => zeroCounts(FLUSH_TRIGGERS)

/**
 * The one source of every figure: the pipeline's counters and gauges (fed by the ingest
 * route, queue and batcher), plus the instruments the pipeline does not own: request
 * latency, event-loop delay and utilisation, flush histograms. The sampler and /metrics
 * both read from here, so the stream and Prometheus cannot disagree.
 *
 * Windowed figures (latency, loop delay) are taken and reset once per tick by the
 * sampler; the last tick's values stay readable for /metrics.
 */
export class MetricsCore {
  readonly pipeline: Pipeline
  readonly stats: PipelineStats
  readonly sse: SseFigures
  lastLoop: LoopSample = { delayP50Ms: 0, delayP99Ms: 0, delayMaxMs: 0, utilization: 0 }
  lastLatency: LatencySample = { count: 0, p50Ms: null, p99Ms: null }
  /** Cumulative, for the Prometheus summaries' _sum and _count. */
  loopDelaySumSeconds = 0
  loopDelayCount = 0
  requestSecondsSum = 0
  requestCount = 0
  /** Client connections open now, counted by `trackConnections`. */
  openConnections = 0
  /**
   * Request seconds by outcome, cumulative since start: unlike the per-tick quantiles, a
   * scraper can take the difference of two scrapes and get any window's distribution.
   */
  readonly requestSeconds: Readonly<Record<RequestOutcome, BucketHistogram>> = {
    accepted: new BucketHistogram(REQUEST_SECONDS_BOUNDS),
    refused: new BucketHistogram(REQUEST_SECONDS_BOUNDS),
  }
  /** Every request's time in log buckets, since start: what instances add up for fleet percentiles (server/fleet). */
  readonly requestLog = new LogHistogram()
  /** Every probe sample since start, in buckets: what `histogram_quantile` needs, unlike the per-tick summary. */
  readonly loopDelaySeconds = new BucketHistogram(LOOP_SECONDS_BOUNDS)
  readonly burstRequests: BurstRequestCounts = { sent: 0, late: 0, skipped: 0 }

  readonly #latencyMicros = createHistogram()
  readonly #loopDelayMicros = createHistogram()
  readonly #stopLoopProbe: () => void
  #elu: EventLoopUtilization = performance.eventLoopUtilization()
  readonly #flushEvents = new BucketHistogram(FLUSH_EVENT_BOUNDS)
  readonly #flushSeconds = new BucketHistogram(FLUSH_SECONDS_BOUNDS)
  readonly #flushesByTrigger = zeroTriggers()
  #flushCursor = 0
  #tickFlushes: FlushSample[] = []

  constructor(pipeline: Pipeline, sse: SseFigures) {
    this.pipeline = pipeline
    this.stats = pipeline.stats
    this.sse = sse
    this.#stopLoopProbe = pipeline.loop.subscribe((delayMs) => this.#recordLoopDelay(delayMs))
  }

  /** Server-side time of one ingest request. Hot path: two additions, a native record and a scan of 14 bounds. */
  observeRequest(ms: number, outcome: RequestOutcome): void {
    // The native histogram takes integers >= 1: record microseconds.
    this.#latencyMicros.record(ms >= 0.001 ? Math.round(ms * 1000) : 1)
    this.requestSecondsSum += ms / 1000
    this.requestCount++
    this.requestSeconds[outcome].observe(ms / 1000)
    this.requestLog.observe(ms)
  }

  /** A burst tick's requests, fed by the load layer. */
  countBurstRequests({ sent, late, skipped }: BurstRequestCounts): void {
    this.burstRequests.sent += sent
    this.burstRequests.late += late
    this.burstRequests.skipped += skipped
  }

  /** Counts `server`'s open connections, whether or not a request on them was read. */
  trackConnections(server: Server): void {
    server.on('connection', (socket: Socket) => {
      this.openConnections++
      socket.once('close', () => this.openConnections--)
    })
  }

  /** Counters since start. Flush counts include every flush recorded so far. */
  totals(): IngestCounts {
    this.#syncFlushes()
    const s = this.stats
    return {
      requestsAccepted: s.requestsAccepted,
      eventsAccepted: s.eventsAccepted,
      bytesAccepted: s.bytesAccepted,
      eventsCommitted: s.eventsCommitted,
      eventsDeadLettered: s.deadLettered,
      rejected: { ...s.rejectedRequests },
      dbErrors: s.dbErrors,
      dbRetries: s.dbRetries,
      flushes: { ...this.#flushesByTrigger },
    }
  }

  /** Every flush so far: batch sizes and durations, and counts by trigger. */
  flushFigures(): { events: BucketHistogram; seconds: BucketHistogram; byTrigger: Readonly<Record<FlushTrigger, number>> } {
    this.#syncFlushes()
    return { events: this.#flushEvents, seconds: this.#flushSeconds, byTrigger: this.#flushesByTrigger }
  }

  /** Flushes recorded since the last call (the sampler's, once per tick). */
  takeFlushes(): FlushSample[] {
    this.#syncFlushes()
    const flushes = this.#tickFlushes
    this.#tickFlushes = []
    return flushes
  }

  /** Loop delay and utilisation since the last call; resets the window. */
  sampleLoop(): LoopSample {
    const h = this.#loopDelayMicros
    const now = performance.eventLoopUtilization()
    const utilization = Math.round(performance.eventLoopUtilization(now, this.#elu).utilization * 10_000) / 10_000
    this.#elu = now
    this.lastLoop = h.count === 0
      ? { delayP50Ms: 0, delayP99Ms: 0, delayMaxMs: 0, utilization }
      : { delayP50Ms: h.percentile(50) / 1000, delayP99Ms: h.percentile(99) / 1000, delayMaxMs: h.max / 1000, utilization }
    h.reset()
    return this.lastLoop
  }

  /** Request latency since the last call; resets the window. */
  sampleLatency(): LatencySample {
    const h = this.#latencyMicros
    const count = h.count
    this.lastLatency = count === 0 ? { count, p50Ms: null, p99Ms: null } : { count, p50Ms: h.percentile(50) / 1000, p99Ms: h.percentile(99) / 1000 }
    // Recorded in whole microseconds, so the milliseconds have at most three decimals.
    h.reset()
    return this.lastLatency
  }

  /** Stops listening to the event-loop probe. */
  close(): void {
    this.#stopLoopProbe()
  }

  #recordLoopDelay(delayMs: number): void {
    // The native histogram takes integers >= 1: record microseconds.
    this.#loopDelayMicros.record(Math.max(1, Math.round(delayMs * 1000)))
    this.loopDelaySumSeconds += delayMs / 1000
    this.loopDelayCount++
    this.loopDelaySeconds.observe(delayMs / 1000)
  }

  /** Moves new flush records into the histograms, the trigger counts and the tick's list. */
  #syncFlushes(): void {
    const fresh = this.stats.flushesSince(this.#flushCursor)
    this.#flushCursor = this.stats.flushCount
    for (const { at, events, bytes, durationMs, trigger, retries } of fresh) {
      const flush = { at, events, bytes, durationMs: micros(durationMs), trigger, retries }
      this.#flushEvents.observe(flush.events)
      this.#flushSeconds.observe(flush.durationMs / 1000)
      this.#flushesByTrigger[flush.trigger]++
      this.#tickFlushes.push(flush)
    }
    if (this.#tickFlushes.length > MAX_PENDING_FLUSHES) this.#tickFlushes.splice(0, this.#tickFlushes.length - MAX_PENDING_FLUSHES)
  }
}
