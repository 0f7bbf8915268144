import { fork, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import {
  SATURATED_SHARE,
  warmupMsFor,
  type BurstProgress,
  type BurstSeriesPoint,
  type BurstSpec,
  type BurstStatus,
  type BurstSummary,
  type BurstWindow,
  type LoadChange,
} from '../../shared/bursts.ts'
import { SluiceError } from '../errors.ts'
import { cpuSampler, type CpuSampler } from '../metrics/cpu.ts'
import type { LiveConfig } from '../../shared/config.ts'
import type { Pipeline } from '../pipeline/pipeline.ts'
import type { GeneratorInput, GeneratorMessage, GeneratorResult, ParentMessage } from './protocol.ts'
import { countersSince, snapshotCounters, type CounterSnapshot } from './server-counters.ts'
import { perSecond } from './tally.ts'
import { monitorVitals, type VitalsMonitor } from './vitals.ts'

// DELETE must have the generator and its sockets gone within a second.
const STOP_DEADLINE_MS = 800
// A generator answers a new level in its next turn: milliseconds, unless it is stuck.
const LEVEL_DEADLINE_MS = 2_000
// After the last answer, the server may still be reading hang-ups: count them before the summary.
const SETTLE_MS = 100
const SETTLE_DEADLINE_MS = 1_000
// From source (tsx) the generator is worker.mjs beside this file; in the build
// (npm run build:server) it is bundled as generator.js beside the server's main.js.
const WORKER_ENTRY = fileURLToPath(import.meta.url.endsWith('.ts') ? new URL('./worker.mjs', import.meta.url) : new URL('./generator.js', import.meta.url))

export interface BurstRunOptions {
  readonly id: string
  readonly name: string
  readonly input: GeneratorInput
  readonly pipeline: Pipeline
  /** The embedded PostgreSQL's postmaster, for the database's CPU; none for an external one. */
  readonly databasePid?: number | undefined
  readonly onProgress: (progress: BurstProgress) => void
  /** Every live knob in force for the run, recorded in its summary. */
  readonly knobs: LiveConfig
  /** When the run is one arm of a comparison: its id, this arm's label, every label in order. */
  readonly comparison?: { readonly group: string; readonly variant: string; readonly variants: readonly string[] } | undefined
  /** Requests the generator sent (the warm-up included), late and skipped, every tick: the server's burst counters. */
  readonly onRequests?: ((counts: { sent: number; late: number; skipped: number }) => void) | undefined
}

const EMPTY: GeneratorResult = {
  runMs: 0,
  warmupMs: 0,
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
 * One burst, seen from the server: forks the generator process, adds the server's own
 * vital signs and CPU to each window, keeps the per-second series and builds the
 * summary. `ended` resolves with the final summary however the run ends; a generator
 * that dies before reporting its result makes the run `failed`.
 */
export class BurstRun {
  readonly id: string
  readonly name: string
  readonly spec: BurstSpec
  readonly startedAt = Date.now()
  readonly series: BurstSeriesPoint[] = []
  /** Levels set by hand while it ran, in order. */
  readonly loadChanges: LoadChange[] = []
  readonly ended: Promise<BurstSummary>
  status: BurstStatus = 'running'
  #endedAt: number | null = null
  #sofar: GeneratorResult = EMPTY
  #serverCounters: CounterSnapshot | undefined
  #error: string | undefined
  #stopRequested = false
  readonly #child: ChildProcess
  readonly #vitals: VitalsMonitor
  readonly #cpu: CpuSampler
  readonly #before: CounterSnapshot
  readonly #pipeline: Pipeline
  readonly #onProgress: (progress: BurstProgress) => void
  /** Epoch ms of the generator's time 0, from its `clock` message. */
  #clockAt: number | undefined

  readonly #knobs: LiveConfig
  readonly #comparison: BurstRunOptions['comparison']
  #after = { rssBytes: 0, heapBytes: 0 }
  readonly #onRequests: BurstRunOptions['onRequests']
  /** `level` messages sent and not answered yet, oldest first: the generator answers in order. */
  readonly #levelWaiters: Array<{ by: string; resolve: (change: LoadChange) => void; reject: (error: Error) => void }> = []
  readonly #rssBefore = process.memoryUsage.rss()

  constructor({ id, name, input, pipeline, databasePid, onProgress, knobs, comparison, onRequests }: BurstRunOptions) {
    this.#onRequests = onRequests
    this.#knobs = { ...knobs }
    this.#comparison = comparison
    this.id = id
    this.name = name
    this.spec = input.spec
    this.#pipeline = pipeline
    this.#onProgress = onProgress
    this.#cpu = cpuSampler({ databasePid })
    this.#vitals = monitorVitals(pipeline.loop)
    this.#before = snapshotCounters(pipeline)
    // Not the server's flags (a debugger port, a test runner's hooks): worker.mjs brings its own loader.
    this.#child = fork(WORKER_ENTRY, [], { execArgv: [], stdio: ['ignore', 'inherit', 'inherit', 'ipc'] })
    // The run must not keep the server's process alive, nor its channel.
    this.#child.unref()
    ;(this.#child.channel as { unref?: () => void } | undefined)?.unref?.()
    this.ended = new Promise<BurstSummary>((resolve) => {
      let finished = false
      const end = (status: EndStatus, error?: string) => {
        if (finished) return
        finished = true
        for (const waiter of this.#levelWaiters.splice(0)) waiter.reject(new SluiceError('burst_ended', { id: this.id }))
        this.#release()
        void this.#finish(status, error).then(resolve)
      }
      this.#child.on('message', (message: GeneratorMessage) => {
        switch (message.type) {
          case 'clock':
            this.#clockAt = message.startedAt
            return
          case 'tick':
            this.#onRequests?.({ sent: message.sent, late: message.window.late, skipped: message.window.skipped })
            return this.#tick(message.window, message.sofar)
          case 'level':
            return this.#levelSet(message.t, message.from, message.to)
          case 'second':
            return this.#secondPoint(message.window, message.cpuCores)
          case 'done':
            this.#sofar = message.result
            return end(this.#stopRequested ? 'stopped' : 'finished')
          case 'failed':
            return end('failed', message.error)
        }
      })
      this.#child.on('error', (error) => end('failed', `generator process: ${error.message}`))
      this.#child.on('exit', (code, signal) => {
        if (this.#stopRequested) return end('stopped')
        end('failed', `generator process (pid ${this.#child.pid}) exited with ${signal ?? `code ${code}`} before reporting`)
      })
    })
    this.#send({ type: 'start', input })
    onProgress({ phase: 'started', id, at: this.startedAt, name, spec: this.spec })
  }

  /** The generator's process id; undefined if it could not be started. */
  get generatorPid(): number | undefined {
    return this.#child.pid
  }

  /** Stops the generator; resolves with the summary. Its process is killed if it does not stop in time. */
  async stop(): Promise<BurstSummary> {
    if (this.status === 'running' && !this.#stopRequested) {
      this.#stopRequested = true
      this.#send({ type: 'stop' })
      const timer = setTimeout(() => this.#kill(), STOP_DEADLINE_MS)
      void this.ended.finally(() => clearTimeout(timer))
    }
    return this.ended
  }

  /**
   * Sets the level (requests/s or connections) from now to the end of the run; resolves
   * with the change as recorded. Throws 409 `burst_ended` once the run is over.
   */
  setLevel(level: number, by: string): Promise<LoadChange> {
    if (this.status !== 'running' || this.#stopRequested || !this.#child.connected) return Promise.reject(new SluiceError('burst_ended', { id: this.id }))
    return new Promise<LoadChange>((resolve, reject) => {
      const timer = setTimeout(() => {
        const index = this.#levelWaiters.indexOf(waiter)
        if (index !== -1) this.#levelWaiters.splice(index, 1)
        reject(new Error(`the generator (pid ${this.#child.pid}) did not take the new level within ${LEVEL_DEADLINE_MS} ms`))
      }, LEVEL_DEADLINE_MS)
      const waiter = {
        by,
        resolve: (change: LoadChange) => {
          clearTimeout(timer)
          resolve(change)
        },
        reject: (error: Error) => {
          clearTimeout(timer)
          reject(error)
        },
      }
      this.#levelWaiters.push(waiter)
      this.#send({ type: 'level', level })
    })
  }

  summary(): BurstSummary {
    const r = this.#sofar
    const open = this.spec.model === 'open'
    const server = this.#serverCounters ?? countersSince(this.#before, snapshotCounters(this.#pipeline))
    // Rates are over the time the counts cover: the warm-up is in neither.
    const measuredMs = Math.max(0, r.runMs - r.warmupMs)
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
      rates: { offered: perSecond(open ? r.intended : r.sent, measuredMs), sent: perSecond(r.sent, measuredMs), achieved: perSecond(r.answered, measuredMs), ok: perSecond(r.ok, measuredMs) },
      latency: r.latency,
      server: {
        requestsByStatus: server.requestsByStatus,
        rejectedByReason: server.rejectedByReason,
        eventsAccepted: server.eventsAccepted,
        peakRssBytes: this.#vitals.peak.rssBytes,
        maxLoopDelayMs: this.#vitals.peak.loopDelayMaxMs,
        peakHeapBytes: this.#vitals.peakHeapBytes,
        rssBeforeBytes: this.#rssBefore,
        rssAfterBytes: this.#after.rssBytes,
        heapAfterBytes: this.#after.heapBytes,
      },
      knobs: this.#knobs,
      ...(this.#comparison ? { group: this.#comparison.group, variant: this.#comparison.variant, variants: this.#comparison.variants } : {}),
      generatorSaturated: r.intended > 0 && (r.late + r.skipped) / r.intended > SATURATED_SHARE,
      generator: { pid: this.#child.pid ?? null, ...this.#generatorCpu() },
      warmupMs: r.warmupMs,
      ...(this.#error ? { error: this.#error } : {}),
      ...(this.loadChanges.length ? { loadChanges: [...this.loadChanges] } : {}),
    }
  }

  #send(message: ParentMessage): void {
    if (this.#child.connected) this.#child.send(message)
  }

  #kill(): void {
    if (this.#child.exitCode === null && this.#child.signalCode === null) this.#child.kill('SIGKILL')
  }

  /** The run is over for the generator: closing the channel ends its process; a kill if it lingers. */
  #release(): void {
    if (this.#child.connected) this.#child.disconnect()
    setTimeout(() => this.#kill(), STOP_DEADLINE_MS).unref()
  }

  /** Mean (weighted by each second's length) and highest of the generator's CPU over the series. */
  #generatorCpu(): { cpuMeanCores: number; cpuMaxCores: number } {
    let weighted = 0
    let ms = 0
    let max = 0
    for (const point of this.series) {
      const cores = point.cpu.generator ?? 0
      weighted += cores * point.durationMs
      ms += point.durationMs
      max = Math.max(max, cores)
    }
    return { cpuMeanCores: ms > 0 ? Math.round((weighted / ms) * 1_000) / 1_000 : 0, cpuMaxCores: max }
  }

  #levelSet(t: number, from: number, to: number): void {
    const waiter = this.#levelWaiters.shift()
    // On the generator's clock, like the series: a mark sits where the rate changes.
    const change: LoadChange = { at: Math.round(this.#clockAt === undefined ? Date.now() : this.#clockAt + t), t, from, to, by: waiter?.by ?? 'api' }
    this.loadChanges.push(change)
    this.#onProgress({ phase: 'load', id: this.id, at: change.at, change })
    waiter?.resolve(change)
  }

  #tick(window: BurstWindow, sofar: GeneratorResult): void {
    this.#sofar = sofar
    const server = this.#vitals.sample()
    this.#onProgress({ phase: 'tick', id: this.id, at: Date.now(), elapsedMs: window.t, durationMs: this.spec.durationMs, window, server })
  }

  #secondPoint(window: BurstWindow, generatorCores: number): void {
    // The generator's second, placed on the server's clock: both read the same system clock.
    const end = (this.#clockAt ?? performance.timeOrigin + performance.now() - window.t) + window.t
    const server = this.#vitals.between(end - window.durationMs, end)
    const cpu = { ...this.#cpu.sample(), generator: generatorCores }
    this.series.push({ ...window, ...server, cpu, warmup: window.t <= warmupMsFor(this.spec) })
  }

  async #finish(status: EndStatus, error?: string): Promise<BurstSummary> {
    await new Promise((resolve) => setTimeout(resolve, SETTLE_MS))
    const deadline = performance.now() + SETTLE_DEADLINE_MS
    while (this.#pipeline.inflightRequests > 0 && performance.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 10))
    this.#vitals.sample()
    this.#vitals.close()
    // Read once the requests have settled: RSS that stays up while the heap has come
    // down is memory the allocator kept, not live objects.
    const { rss, heapUsed } = process.memoryUsage()
    this.#after = { rssBytes: rss, heapBytes: heapUsed }
    this.#serverCounters = countersSince(this.#before, snapshotCounters(this.#pipeline))
    this.status = status
    this.#endedAt = Date.now()
    this.#error = error
    const summary = this.summary()
    this.#onProgress({ phase: status, id: this.id, at: this.#endedAt, summary })
    return summary
  }
}
