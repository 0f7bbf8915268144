import { performance } from 'node:perf_hooks'
import type { IngestCounts, MetricsSnapshot } from '../../shared/metrics.ts'
import type { MetricsCore } from './core.ts'
import { mapCounts, zeroIngestCounts } from './counts.ts'
import type { CpuSampler } from './cpu.ts'
import { diagnose } from './diagnosis.ts'

export interface SamplerOptions {
  readonly core: MetricsCore
  readonly cpu: CpuSampler
  readonly tickMs: number
  /** Gets each snapshot with its JSON, serialised once for every reader. */
  readonly publish: (snapshot: MetricsSnapshot, json: string) => void
  readonly log?: (line: string) => void
}

const round = (value: number, places: number) => {
  const scale = 10 ** places
  return Math.round(value * scale) / scale
}

const ZERO: IngestCounts = zeroIngestCounts()

/**
 * Takes one snapshot every `tickMs`: counter deltas over the real elapsed time (a late
 * timer stretches the denominator, it does not inflate the rates), the windowed figures
 * of the core, the gauges as they are now.
 */
export class Sampler {
  /** The last snapshot taken, if any. */
  latest: MetricsSnapshot | undefined
  readonly #options: SamplerOptions
  // Sequence numbers start from the clock so that a restarted server never reuses an id a
  // client still holds: its Last-Event-ID then falls outside the ring and it gets everything.
  #seq: number
  #timer: NodeJS.Timeout | undefined
  #lastAt = performance.now()
  #lastTotals = ZERO
  #view: ((local: MetricsSnapshot) => MetricsSnapshot) | undefined

  constructor(options: SamplerOptions) {
    this.#options = options
    this.#seq = Math.floor(Date.now() / options.tickMs)
  }

  /**
   * What is published instead of this process's own snapshot: the fleet's view of it
   * (server/fleet, a layer above, hence a hook rather than an import).
   */
  setView(view: (local: MetricsSnapshot) => MetricsSnapshot): void {
    this.#view = view
  }

  start(): void {
    if (this.#timer) return
    this.#lastAt = performance.now()
    this.#timer = setInterval(() => {
      try {
        this.tick()
      } catch (error) {
        this.#options.log?.(`metrics tick failed: ${(error as Error).stack ?? error}`)
      }
    }, this.#options.tickMs)
    this.#timer.unref()
  }

  /** Stops ticking after one last tick, so readers see the final state. Safe to call twice. */
  stop(): void {
    if (!this.#timer) return
    clearInterval(this.#timer)
    this.#timer = undefined
    this.tick()
  }

  /** Takes, publishes and returns one snapshot. */
  tick(): MetricsSnapshot {
    const core = this.#options.core
    const pipeline = core.pipeline
    const now = performance.now()
    // Rates divide by the published elapsedMs, so a reader can check them to the cent.
    const elapsedMs = Math.max(round(now - this.#lastAt, 3), 0.001)
    this.#lastAt = now
    const total = core.totals()
    const tick = mapCounts(total, this.#lastTotals, (a, b) => a - b)
    this.#lastTotals = total
    const perSecond = 1000 / elapsedMs
    const gauges = pipeline.gauges()
    const memory = process.memoryUsage()
    const loop = core.sampleLoop()
    const latency = core.sampleLatency()
    const measured: Omit<MetricsSnapshot, 'diagnosis'> = {
      seq: ++this.#seq,
      time: Date.now(),
      elapsedMs,
      lifecycle: gauges.lifecycle,
      readiness: { ready: gauges.notReady === null, reason: gauges.notReady },
      tick,
      perSec: mapCounts(tick, ZERO, (a) => round(a * perSecond, 2)),
      total,
      queue: gauges.queue,
      inflight: gauges.inflight,
      connections: { open: core.openConnections },
      cpu: this.#options.cpu.sample(),
      admission: gauges.admission,
      flushes: core.takeFlushes(),
      writer: gauges.writer,
      spool: gauges.spool,
      memory: { rssBytes: memory.rss, heapUsedBytes: memory.heapUsed, heapTotalBytes: memory.heapTotal, externalBytes: memory.external },
      eventLoop: { ...loop },
      requestLatency: { ...latency },
      sse: { clients: core.sse.clients, bufferedBytes: core.sse.bufferedBytes, droppedTotal: core.sse.droppedTotal },
      instances: [],
    }
    const local: MetricsSnapshot = { ...measured, diagnosis: diagnose(measured) }
    const snapshot = this.#view ? this.#view(local) : local
    this.latest = snapshot
    this.#options.publish(snapshot, JSON.stringify(snapshot))
    return snapshot
  }
}
