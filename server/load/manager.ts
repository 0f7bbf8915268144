import { randomUUID } from 'node:crypto'
import type { BurstKnobs, BurstProgress, BurstRecord, BurstSpec, BurstSummary, LoadChange } from '../../shared/bursts.ts'
import type { LiveConfig } from '../../shared/config.ts'
import { InvalidValue } from '../../shared/knobs.ts'
import { checkLoadPatch } from '../../shared/load-patch.ts'
import { findPreset } from '../../shared/presets.ts'
import type { Config } from '../config.ts'
import type { Sql } from '../db/client.ts'
import { invalidLoad, invalidSpec, SluiceError, unavailable } from '../errors.ts'
import type { BurstFleet } from '../fleet/bursts.ts'
import type { Pipeline } from '../pipeline/pipeline.ts'
import { BurstRun } from './run.ts'
import { BurstStore } from './store.ts'
import { armsOf, variantsOf, type Arm } from './variants.ts'
import { parseSpec, type BurstCaps } from './validate.ts'

const LIST_LIMIT = 100
// Longest the wait between a comparison's arms for the queue to empty.
const SETTLE_DEADLINE_MS = 10_000
// A run on another instance, asked to stop, is saved by it within its own stop deadline
// (800 ms) and settle (100 ms to 1 s): this covers both with room for the messages.
const REMOTE_STOP_DEADLINE_MS = 3_000

export type ProgressListener = (progress: BurstProgress) => void

export interface BurstManagerOptions {
  readonly config: Config
  readonly pipeline: Pipeline
  readonly sql: Sql
  readonly log: (line: string) => void
  /** The embedded PostgreSQL's postmaster, so runs can chart the database's CPU; none for an external one. */
  readonly databasePid?: number | undefined
  /** Every tick of every run: requests its generator sent, late and skipped (the server's burst counters). */
  readonly onRequests?: ((counts: { sent: number; late: number; skipped: number }) => void) | undefined
  /** The fleet this server is one of: one burst at a time across it, stoppable from any instance. */
  readonly fleet?: BurstFleet | undefined
}

/** The server's own address as the generator should dial it: a wildcard bind means loopback. */
function dialable(url: string): { host: string; port: number } {
  const { hostname, port } = new URL(url)
  const host = hostname.replace(/^\[|\]$/g, '')
  return { host: host === '0.0.0.0' ? '127.0.0.1' : host === '::' ? '::1' : host, port: Number(port) }
}

/**
 * Sets a burst's knobs through the pipeline, like a PATCH would; returns what puts back
 * the ones nobody changed in between.
 */
function applyKnobs(pipeline: Pipeline, knobs: BurstKnobs | undefined, by: string): () => void {
  const live = pipeline.knobs
  const wanted = (Object.keys(knobs ?? {}) as Array<keyof LiveConfig>).filter((key) => live[key] !== knobs![key])
  const previous: Partial<Record<keyof LiveConfig, unknown>> = {}
  for (const key of wanted) previous[key] = live[key]
  pipeline.setKnobs(Object.fromEntries(wanted.map((key) => [key, knobs![key]])), by)
  return () => {
    const untouched = wanted.filter((key) => live[key] === knobs![key])
    pipeline.setKnobs(Object.fromEntries(untouched.map((key) => [key, previous[key]])), `${by} ended`)
  }
}

/**
 * One burst at a time against this server: starts it (from a preset or a spec), stops
 * it, keeps its history in PostgreSQL, and tells subscribers every step of it.
 */
export class BurstManager {
  readonly #config: Config
  readonly #pipeline: Pipeline
  readonly #store: BurstStore
  readonly #log: (line: string) => void
  readonly #caps: BurstCaps
  readonly #databasePid: number | undefined
  readonly #onRequests: BurstManagerOptions['onRequests']
  readonly #listeners = new Set<ProgressListener>()
  #target: { host: string; port: number } | undefined
  /** The latest run: the running one, or the last to end (served from memory until saved). */
  #current: BurstRun | undefined
  /** From start until the run (every arm of a comparison) is saved and its knobs are back: no second burst before then. */
  #busy: Promise<void> | undefined
  /** Set when a comparison's arm is stopped or the manager closes: no further arm starts. */
  #chainStopped = false
  readonly #fleet: BurstFleet | undefined
  /** This instance holds (or is taking) the fleet's burst slot. */
  #holdsSlot = false

  constructor({ config, pipeline, sql, log, databasePid, onRequests, fleet }: BurstManagerOptions) {
    this.#onRequests = onRequests
    this.#fleet = fleet
    this.#config = config
    this.#databasePid = databasePid
    this.#pipeline = pipeline
    this.#store = new BurstStore(sql)
    this.#log = log
    this.#caps = { maxConnections: config.burstMaxConnections, maxRate: config.burstMaxRate, maxDurationMs: config.burstMaxDurationMs }
  }

  /** Marks runs a previous process left `running` as failed; in a fleet, only when no instance runs one. */
  async init(): Promise<void> {
    const fleet = this.#fleet
    if (fleet && !(await fleet.tryAcquire())) return
    try {
      await this.#store.markInterrupted()
    } finally {
      await fleet?.release()
    }
  }

  /** Where bursts go: this server's own URL, set once it listens. Never an address from a request. */
  setTarget(url: string): void {
    this.#target = dialable(url)
  }

  /** Calls `listener` with every burst event; returns the unsubscribe. */
  onProgress(listener: ProgressListener): () => void {
    this.#listeners.add(listener)
    return () => this.#listeners.delete(listener)
  }

  get caps(): BurstCaps {
    return this.#caps
  }

  /** The running burst's id, if any. */
  get running(): string | undefined {
    return this.#current?.status === 'running' ? this.#current.id : undefined
  }

  /** The running burst's generator process, for CPU sampling. */
  get generatorPid(): number | undefined {
    return this.#current?.status === 'running' ? this.#current.generatorPid : undefined
  }

  /**
   * Starts `{ preset: name }` or `{ spec }`; throws 400 (bad request), 409 (one is
   * running), 503 (not listening). A preset with variants starts the first of its runs
   * and chains the others; the answer names the comparison's group.
   */
  async start(request: unknown): Promise<BurstSummary> {
    const { name, arms } = this.#resolve(request)
    // A run that has ended may still be saving and putting its knobs back: wait for that,
    // then check again, since another request may have started one meanwhile.
    while (this.#busy) {
      if (this.#current?.status === 'running') throw new SluiceError('burst_running', { id: this.#current.id })
      await this.#busy
    }
    if (!this.#target) throw unavailable('the server is not listening yet')
    await this.#takeSlot()
    let first: { summary: BurstSummary; ended: Promise<BurstSummary> }
    try {
      first = await this.#launch(name, arms[0]!)
    } catch (error) {
      await this.#releaseSlot()
      throw error
    }
    this.#chainStopped = false
    this.#busy = (async () => {
      let step = first
      for (const arm of arms.slice(1)) {
        const summary = await step.ended
        // A stopped or failed arm ends the comparison: the rest would not be comparable.
        if (summary.status !== 'finished' || this.#chainStopped) break
        await this.#settle()
        try {
          step = await this.#launch(name, arm)
        } catch (error) {
          this.#log(`comparison ${arm.comparison?.group}: could not start "${arm.comparison?.variant}": ${(error as Error).message}`)
          break
        }
      }
      await step.ended
      await this.#releaseSlot()
      this.#busy = undefined
    })()
    return first.summary
  }

  /** The fleet's one burst slot: 409 naming the run that holds it when another instance does. */
  async #takeSlot(): Promise<void> {
    const fleet = this.#fleet
    if (!fleet) return
    let got = false
    if (!this.#holdsSlot) {
      this.#holdsSlot = true
      try {
        got = await fleet.tryAcquire()
      } finally {
        if (!got) this.#holdsSlot = false
      }
    }
    if (!got) throw new SluiceError('burst_running', { id: (await this.runningId()) ?? '' })
  }

  async #releaseSlot(): Promise<void> {
    if (!this.#fleet || !this.#holdsSlot) return
    this.#holdsSlot = false
    await this.#fleet.release().catch((error: Error) => this.#log(`burst slot: could not release it: ${error.message}`))
  }

  /** The running burst's id, on this instance or any other of the fleet. */
  async runningId(): Promise<string | undefined> {
    return this.running ?? (this.#fleet ? this.#store.runningId() : undefined)
  }

  /**
   * Runs one spec with its knobs set, and saves it; `ended` resolves once it is saved
   * and its knobs are back. Throws (knobs already restored) when it could not start.
   */
  async #launch(name: string, arm: Arm): Promise<{ summary: BurstSummary; ended: Promise<BurstSummary> }> {
    const { spec, comparison } = arm
    const restoreKnobs = applyKnobs(this.#pipeline, spec.knobs, `burst ${name}${comparison ? ` (${comparison.variant})` : ''}`)
    let run: BurstRun
    try {
      run = new BurstRun({
        id: randomUUID(),
        name,
        input: { spec, ...this.#target!, token: this.#config.token, maxConnections: this.#caps.maxConnections, tickMs: this.#config.tickMs },
        pipeline: this.#pipeline,
        databasePid: this.#databasePid,
        onProgress: (progress) => this.#emit(progress),
        knobs: this.#pipeline.knobs,
        comparison,
        onRequests: this.#onRequests,
      })
    } catch (error) {
      restoreKnobs()
      throw error
    }
    this.#current = run
    const saved = this.#store.insert(spec, run.summary())
    const ended = (async () => {
      const summary = await run.ended
      restoreKnobs()
      try {
        await saved
        await this.#store.finish(summary, run.series)
      } catch (error) {
        this.#log(`burst ${run.id}: could not save the run: ${(error as Error).message}`)
      }
      return summary
    })()
    try {
      await saved
    } catch (error) {
      await run.stop()
      await ended
      throw error
    }
    this.#log(`burst ${run.id} started: ${name}${comparison ? ` [${comparison.variant}]` : ''} (${spec.model}, ${spec.shape.kind}, ${spec.durationMs} ms)`)
    return { summary: run.summary(), ended }
  }

  /** Between arms: lets the previous arm's queue reach the database, so it does not load the next. */
  async #settle(): Promise<void> {
    const deadline = performance.now() + SETTLE_DEADLINE_MS
    while (this.#pipeline.gauges().queue.events > 0 && performance.now() < deadline && !this.#chainStopped) {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }

  /**
   * Stops the run with this id, here or (in a fleet) on the instance that runs it;
   * resolves with its summary, or undefined when no such run exists.
   */
  async stop(id: string): Promise<BurstSummary | undefined> {
    if (this.#current?.id === id) return this.stopHere(id)
    const stored = (await this.#store.get(id))?.summary
    if (stored?.status !== 'running' || !this.#fleet) return stored
    await this.#fleet.requestStop(id)
    const deadline = performance.now() + REMOTE_STOP_DEADLINE_MS
    let summary = stored
    while (summary.status === 'running' && performance.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 50))
      summary = (await this.#store.get(id))?.summary ?? summary
    }
    return summary
  }

  /** Stops the run with this id if this instance runs it (a stop asked for through the fleet comes here). */
  async stopHere(id: string): Promise<BurstSummary | undefined> {
    const run = this.#current
    if (run?.id !== id) return undefined
    // Stopping an arm stops its comparison: the arms after it are not started.
    this.#chainStopped = true
    return run.status === 'running' ? run.stop() : run.summary()
  }

  /**
   * Sets the running burst's level from now on (`{"rate": n}` open, `{"connections": n}`
   * closed): 400 `invalid_load`, 404 for no such run, 409 `burst_ended` for one that has ended.
   */
  async setLevel(id: string, patch: unknown, by: string): Promise<{ change: LoadChange; summary: BurstSummary } | undefined> {
    const run = this.#current
    if (run?.id !== id) {
      const saved = await this.#store.get(id)
      if (!saved) return undefined
      throw new SluiceError('burst_ended', { id })
    }
    if (run.status !== 'running') throw new SluiceError('burst_ended', { id })
    let level: number
    try {
      level = checkLoadPatch(patch, run.spec.model, this.#caps)
    } catch (error) {
      if (error instanceof InvalidValue) throw invalidLoad(error.field, error.detail)
      throw error
    }
    const change = await run.setLevel(level, by)
    this.#log(`burst ${run.id}: ${run.spec.model === 'open' ? 'rate' : 'connections'} ${change.from} -> ${change.to} at ${change.t} ms (${by})`)
    return { change, summary: run.summary() }
  }

  async list(): Promise<BurstSummary[]> {
    const saved = await this.#store.list(LIST_LIMIT)
    const run = this.#current
    return run ? saved.map((summary) => (summary.id === run.id ? run.summary() : summary)) : saved
  }

  async get(id: string): Promise<BurstRecord | undefined> {
    const run = this.#current
    if (run?.id === id) return { id, spec: run.spec, summary: run.summary(), series: [...run.series] }
    return this.#store.get(id)
  }

  /** Stops a running burst and waits until it is saved. Safe to call twice. */
  async close(): Promise<void> {
    this.#chainStopped = true
    if (this.#current?.status === 'running') await this.#current.stop()
    await this.#busy
  }

  #resolve(request: unknown): { name: string; arms: Arm[] } {
    if (typeof request !== 'object' || request === null || Array.isArray(request)) throw invalidSpec('', 'expected {"preset": name} or {"spec": {...}}')
    const { preset, spec, variants, ...rest } = request as Record<string, unknown>
    const extra = Object.keys(rest)[0]
    if (extra !== undefined) throw invalidSpec(extra, 'unknown field; expected "preset", or "spec" and maybe "variants"')
    if ((preset === undefined) === (spec === undefined)) throw invalidSpec('', 'give exactly one of "preset" and "spec"')
    if (variants !== undefined && spec === undefined) throw invalidSpec('variants', 'a preset brings its own variants')
    if (spec !== undefined) {
      if (variants === undefined) return { name: 'custom', arms: [{ spec: parseSpec(spec, this.#caps) }] }
      return { name: 'custom', arms: armsOf({ name: 'custom', spec: spec as BurstSpec, variants: variantsOf(variants) }, this.#caps) }
    }
    const found = typeof preset === 'string' ? findPreset(preset) : undefined
    if (!found) throw new SluiceError('unknown_preset', { preset: typeof preset === 'string' ? preset : null })
    // Presets are checked too: the caps are this server's, and may be lower than a preset asks.
    return { name: found.name, arms: armsOf(found, this.#caps) }
  }

  #emit(progress: BurstProgress): void {
    this.#notify(this.#listeners, progress)
  }

  #notify<T>(listeners: Set<(value: T) => void>, value: T): void {
    for (const listener of listeners) {
      try {
        listener(value)
      } catch (error) {
        this.#log(`burst listener failed: ${(error as Error).message}`)
      }
    }
  }
}
