import { Worker } from 'node:worker_threads'
import {
  SATURATED_SHARE,
  type BurstProgress,
  type BurstSeriesPoint,
  type BurstSpec,
  type BurstStatus,
  type BurstSummary,
  type BurstWindow,
  type ServerVitals,
} from '../../shared/bursts.ts'
import type { Pipeline } from '../pipeline/pipeline.ts'
import type { GeneratorInput, GeneratorMessage, GeneratorResult, ParentMessage } from './protocol.ts'
import { countersSince, snapshotCounters, type CounterSnapshot } from './server-counters.ts'
import { perSecond } from './tally.ts'
import { monitorVitals } from './vitals.ts'

// DELETE must have the generator and its sockets gone within a second.
const STOP_DEADLINE_MS = 800
// After the last answer, the server may still be reading hang-ups: count them before the summary.
const SETTLE_MS = 100
const SETTLE_DEADLINE_MS = 1_000
const WORKER_ENTRY = new URL('./worker.mjs', import.meta.url)

export interface BurstRunOptions {
  readonly id: string
  readonly name: string
  readonly input: GeneratorInput
  readonly pipeline: Pipeline
  readonly onProgress: (progress: BurstProgress) => void
}

const EMPTY: GeneratorResult = {
  runMs: 0,
  intended: 0,
  sent: 0,
  answered: 0,
  ok: 0,
  late: 0,
  skipped: 0,
  statuses: {},
  errors: {},
  byKind: {},
  latency: { count: 0, p50: 0, p90: 0, p99: 0, max: 0 },
  eventsAccepted: 0,
}

type EndStatus = Exclude<BurstStatus, 'running'>

/**
 * One burst, seen from the server's thread: starts the generator thread, adds the
 * server's own vital signs to each window, keeps the per-second series and builds the
 * summary. `ended` resolves with the final summary however the run ends.
 */
export class BurstRun {
  readonly id: string
  readonly name: string
  readonly spec: BurstSpec
  readonly startedAt = Date.now()
  readonly series: BurstSeriesPoint[] = []
  readonly ended: Promise<BurstSummary>
  status: BurstStatus = 'running'
  #endedAt: number | null = null
  #sofar: GeneratorResult = EMPTY
  #serverCounters: CounterSnapshot | undefined
  #error: string | undefined
  #stopRequested = false
  readonly #worker: Worker
  readonly #vitals = monitorVitals()
  readonly #before: CounterSnapshot
  readonly #pipeline: Pipeline
  readonly #onProgress: (progress: BurstProgress) => void
  // Worst vitals since the last per-second point.
  #second: ServerVitals = { rssBytes: 0, loopDelayMaxMs: 0 }

  constructor({ id, name, input, pipeline, onProgress }: BurstRunOptions) {
    this.id = id
    this.name = name
    this.spec = input.spec
    this.#pipeline = pipeline
    this.#onProgress = onProgress
    this.#before = snapshotCounters(pipeline)
    this.#worker = new Worker(WORKER_ENTRY, { workerData: input, execArgv: [] })
    this.#worker.unref()
    this.ended = new Promise<BurstSummary>((resolve) => {
      let finished = false
      const end = (status: EndStatus, error?: string) => {
        if (finished) return
        finished = true
        void this.#finish(status, error).then(resolve)
      }
      this.#worker.on('message', (message: GeneratorMessage) => {
        switch (message.type) {
          case 'tick':
            return this.#tick(message.window, message.sofar)
          case 'second':
            return this.#secondPoint(message.window)
          case 'done':
            this.#sofar = message.result
            return end(this.#stopRequested ? 'stopped' : 'finished')
          case 'failed':
            return end('failed', message.error)
        }
      })
      this.#worker.on('error', (error) => end('failed', error.stack ?? String(error)))
      this.#worker.on('exit', (code) => end(this.#stopRequested ? 'stopped' : 'failed', `generator exited (code ${code}) before reporting`))
    })
    onProgress({ phase: 'started', id, at: this.startedAt, name, spec: this.spec })
  }

  /** Stops the generator; resolves with the summary. The thread is ended if it does not stop in time. */
  async stop(): Promise<BurstSummary> {
    if (this.status === 'running' && !this.#stopRequested) {
      this.#stopRequested = true
      this.#worker.postMessage({ type: 'stop' } satisfies ParentMessage)
      const timer = setTimeout(() => void this.#worker.terminate(), STOP_DEADLINE_MS)
      void this.ended.finally(() => clearTimeout(timer))
    }
    return this.ended
  }

  summary(): BurstSummary {
    const r = this.#sofar
    const open = this.spec.model === 'open'
    const server = this.#serverCounters ?? countersSince(this.#before, snapshotCounters(this.#pipeline))
    return {
      id: this.id,
      name: this.name,
      status: this.status,
      model: this.spec.model,
      startedAt: this.startedAt,
      endedAt: this.#endedAt,
      durationMs: r.runMs,
      requests: { intended: r.intended, sent: r.sent, answered: r.answered, late: r.late, skipped: r.skipped },
      byKind: r.byKind,
      statuses: r.statuses,
      errors: r.errors,
      eventsAccepted: r.eventsAccepted,
      rates: { offered: perSecond(open ? r.intended : r.sent, r.runMs), sent: perSecond(r.sent, r.runMs), achieved: perSecond(r.answered, r.runMs), ok: perSecond(r.ok, r.runMs) },
      latency: r.latency,
      server: {
        requestsByStatus: server.requestsByStatus,
        rejectedByReason: server.rejectedByReason,
        eventsAccepted: server.eventsAccepted,
        peakRssBytes: this.#vitals.peak.rssBytes,
        maxLoopDelayMs: this.#vitals.peak.loopDelayMaxMs,
      },
      generatorSaturated: r.intended > 0 && (r.late + r.skipped) / r.intended > SATURATED_SHARE,
      ...(this.#error ? { error: this.#error } : {}),
    }
  }

  #tick(window: BurstWindow, sofar: GeneratorResult): void {
    this.#sofar = sofar
    const server = this.#vitals.sample()
    this.#second = { rssBytes: Math.max(this.#second.rssBytes, server.rssBytes), loopDelayMaxMs: Math.max(this.#second.loopDelayMaxMs, server.loopDelayMaxMs) }
    this.#onProgress({ phase: 'tick', id: this.id, at: Date.now(), elapsedMs: window.t, durationMs: this.spec.durationMs, window, server })
  }

  #secondPoint(window: BurstWindow): void {
    // A second with no tick in it (a stalled loop) still gets a reading.
    const server = this.#second.rssBytes > 0 ? this.#second : this.#vitals.sample()
    this.series.push({ ...window, ...server })
    this.#second = { rssBytes: 0, loopDelayMaxMs: 0 }
  }

  async #finish(status: EndStatus, error?: string): Promise<BurstSummary> {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS))
    const deadline = performance.now() + SETTLE_DEADLINE_MS
    while (this.#pipeline.inflightRequests > 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
    this.#vitals.sample()
    this.#vitals.close()
    this.#serverCounters = countersSince(this.#before, snapshotCounters(this.#pipeline))
    this.status = status
    this.#endedAt = Date.now()
    this.#error = error
    const summary = this.summary()
    this.#onProgress({ phase: status, id: this.id, at: this.#endedAt, summary })
    return summary
  }
}
