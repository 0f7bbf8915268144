import type { LiveConfig } from '../../shared/config.ts'
import { checkKnobPatch, InvalidValue } from '../../shared/knobs.ts'
import type { AdmissionGauges, Lifecycle } from '../../shared/metrics.ts'
import type { RejectReason, WriterState, WriterStrategy } from '../../shared/ingest.ts'
import type { Config } from '../config.ts'
import type { Sql } from '../db/client.ts'
import { invalidConfig, invalidEvent, overloaded, queueFull, unavailable, type SluiceError } from '../errors.ts'
import { Feeder } from './spool/feeder.ts'
import { SpoolError } from './spool/log.ts'
import type { Spool } from './spool/spool.ts'
import type { SpoolStats } from './spool/stats.ts'
import { AdmissionController } from './admission.ts'
import { Batcher, type DrainReport as BatcherDrainReport } from './batcher.ts'
import { CopyRows } from './copy-text.ts'
import type { IngestEvent } from './event.ts'
import { EventQueue, type Ticket } from './queue.ts'
import { LoopProbe } from './loop-probe.ts'
import { isTransient } from './retry.ts'
import { PipelineStats } from './stats.ts'
import { insertEvents, writePath } from './writers.ts'

export type { Lifecycle } from '../../shared/metrics.ts'

export interface DrainReport extends BatcherDrainReport {
  /** With the spool: events left on disk, written at the next start. */
  readonly spooled: number
}

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
    admission: config.admission,
    bodyReading: config.bodyReading,
    dbLatencyMs: 0,
  }
}

export interface Admission {
  /** Counts body bytes as they arrive: 429 `overloaded` when they take the inflight bytes over the cap. */
  grow(bytes: number): void
  /** Gives the slot and the bytes back; safe to call twice. */
  release(): void
}

/** Everything the pipeline shows of itself at one moment: what metrics, /metrics and /readyz read. */
export interface PipelineGauges {
  readonly lifecycle: Lifecycle
  /** Why /readyz says not ready; null when ready. */
  readonly notReady: string | null
  readonly queue: { events: number; bytes: number; capacityEvents: number; capacityBytes: number; oldestAgeMs: number }
  readonly inflight: { requests: number; bytes: number }
  readonly writer: { strategy: WriterStrategy; state: WriterState }
  readonly databaseDown: boolean
  readonly admission: AdmissionGauges
  /** Null without the spool (SLUICE_DURABILITY=memory). */
  readonly spool: SpoolStats | null
}

/** A change of live knobs: which moved, and who moved them ("api", "burst <name>"). */
export interface KnobsChange {
  readonly changed: Array<keyof LiveConfig>
  readonly by: string
  /** The changed knobs' values before. */
  readonly from: Partial<LiveConfig>
}

/**
 * Admission, queue and batcher behind one small surface: what the ingest route,
 * readiness, metrics, bursts and shutdown need, and nothing of HTTP. Its counters are
 * readable (`stats`); everything else changes only through these methods.
 */
export class Pipeline {
  readonly #stats = new PipelineStats()
  readonly #knobs: LiveConfig
  readonly #queue: EventQueue
  readonly #batcher: Batcher
  readonly #sql: Sql
  readonly #log: (line: string) => void
  readonly #knobListeners = new Set<(change: KnobsChange) => void>()
  readonly #loop = new LoopProbe()
  readonly #admission: AdmissionController
  readonly #stopProbe: () => void
  #state: Lifecycle = 'starting'
  #inflightRequests = 0
  #inflightBytes = 0
  readonly #highWatermark: number
  /** Moving average of events per accepted request, for admission's estimate. */
  #eventsPerRequest = 1
  readonly #spool: Spool | undefined
  readonly #feeder: Feeder | undefined

  /** With `spool`, a request is acknowledged once on disk and the queue is fed from it. */
  constructor(config: Config, sql: Sql, log: (line: string) => void, spool?: Spool) {
    this.#sql = sql
    this.#log = log
    this.#knobs = liveConfigFrom(config)
    this.#highWatermark = config.queueHighWatermark
    const knobs = this.#knobs
    // The queue reads its capacity from the live knobs, so a knob change resizes it at once.
    this.#queue = new EventQueue({
      get maxEvents() { return knobs.queueMaxEvents },
      get maxBytes() { return knobs.queueMaxBytes },
    })
    this.#batcher = new Batcher({ queue: this.#queue, sql, stats: this.#stats, knobs, concurrency: config.writerConcurrency, log, ledger: spool })
    this.#spool = spool
    this.#feeder = spool && new Feeder(spool, this.#queue)
    this.#admission = new AdmissionController(knobs.admission, () => this.#stats.eventsAccepted)
    const admission = this.#admission
    this.#stopProbe = this.#loop.subscribe((delayMs) => admission.observe(delayMs))
  }

  /** The process's event-loop probe: admission steers by it, the metrics chart it. */
  get loop(): LoopProbe {
    return this.#loop
  }

  /** Counters since start (read-only: the pipeline is their only writer). */
  get stats(): Readonly<PipelineStats> {
    return this.#stats
  }

  get knobs(): Readonly<LiveConfig> {
    return this.#knobs
  }

  get lifecycle(): Lifecycle {
    return this.#state
  }

  /** Ingest requests being read or processed right now. */
  get inflightRequests(): number {
    return this.#inflightRequests
  }

  /** Starts writing; serving at once, or with the spool once what it held at start is committed. */
  start(): void {
    this.#batcher.start()
    const spool = this.#spool
    if (!spool) {
      this.#state = 'serving'
      return
    }
    this.#feeder!.start()
    const started = performance.now()
    spool.commits.waitFor(spool.recoveredThrough).then(
      () => {
        if (spool.replayedAtStart > 0) this.#log(`spool: replayed ${spool.replayedAtStart} events in ${Math.round(performance.now() - started)} ms`)
        if (this.#state === 'starting') this.#state = 'serving'
      },
      () => {}, // stopped before the replay was written: it stays on disk
    )
  }

  /**
   * The one way to turn knobs: checks the whole patch (400 `invalid_config` naming the
   * field, nothing applied), applies it, wakes the batcher so it re-reads them now, logs
   * and tells the listeners what changed and who changed it. Returns the changed keys.
   */
  setKnobs(patch: unknown, by: string): Array<keyof LiveConfig> {
    let checked: Partial<LiveConfig>
    try {
      checked = checkKnobPatch(patch)
    } catch (error) {
      if (error instanceof InvalidValue) throw invalidConfig(error.field, error.detail)
      throw error
    }
    const knobs = this.#knobs
    const changed = (Object.keys(checked) as Array<keyof LiveConfig>).filter((key) => checked[key] !== knobs[key])
    if (changed.length === 0) return changed
    this.#log(`config (${by}): ${changed.map((key) => `${key} ${knobs[key]} -> ${checked[key]}`).join(', ')}`)
    const from = Object.fromEntries(changed.map((key) => [key, knobs[key]])) as Partial<LiveConfig>
    Object.assign(knobs, checked)
    this.#admission.mode = knobs.admission
    this.#batcher.nudge()
    for (const listener of this.#knobListeners) {
      try {
        listener({ changed, by, from })
      } catch (error) {
        this.#log(`knob listener failed: ${(error as Error).message}`)
      }
    }
    return changed
  }

  /** Calls `listener` after every knob change; returns the unsubscribe. */
  onKnobsChanged(listener: (change: KnobsChange) => void): () => void {
    this.#knobListeners.add(listener)
    return () => this.#knobListeners.delete(listener)
  }

  /**
   * Admission on CPU, decided before the request is routed or a byte of its body read:
   * the refusal to send (429 `overloaded`, reason `cpu`), or undefined to go on.
   */
  cpuRefusal(): SluiceError | undefined {
    if (this.#state !== 'serving' || !this.#admission.refuse()) return undefined
    return this.#admission.refusal()
  }

  /** Refusals on CPU should close their connection too: refusing alone is not enough. */
  get shedsConnections(): boolean {
    return this.#admission.closing
  }

  /**
   * Checks, before a byte of the body is read, that this request may go on: the server
   * is serving, inflight requests are under their cap, bytes in flight are not at theirs,
   * the queue (with the spool: the spool) has room. Bytes are counted as they arrive
   * (`grow`), not reserved for the declared length up front: a client that declares
   * 1 MiB and sends nothing holds a slot, not a megabyte of the cap. `expectedBytes`
   * (the declared length, or the body limit) is checked only against the spool's room.
   */
  admit(expectedBytes: number): Admission {
    if (this.#state !== 'serving') throw unavailable(this.#state === 'starting' ? 'starting' : 'shutting down')
    const knobs = this.#knobs
    if (this.#inflightRequests >= knobs.maxInflight) throw overloaded(`${this.#inflightRequests} requests in flight (cap ${knobs.maxInflight})`)
    if (this.#inflightBytes >= knobs.maxInflightBytes) throw overloaded(`${this.#inflightBytes} bytes in flight (cap ${knobs.maxInflightBytes})`)
    // This request and those already being read will want queue room: refusing now, before
    // the body is read and parsed, is what keeps 429s fast (and cheap) when the queue is at
    // its edge. The estimate is the moving average of events per accepted request.
    const expected = Math.ceil((this.#inflightRequests + 1) * this.#eventsPerRequest)
    if (writePath(knobs.writer).queued) {
      // With the spool the disk holds the backlog: its cap, not the queue's, refuses.
      const spoolRefusal = this.#spool?.refusal(expectedBytes)
      if (spoolRefusal) throw unavailable(spoolRefusal)
      if (!this.#spool && !this.#queue.fits(expected, 1)) throw this.#queueRefusal()
    }
    this.#inflightRequests++
    let held = 0
    let released = false
    return {
      grow: (bytes) => {
        if (released) return
        if (this.#inflightBytes + bytes > this.#knobs.maxInflightBytes) throw overloaded(`${this.#inflightBytes} bytes in flight (cap ${this.#knobs.maxInflightBytes})`)
        held += bytes
        this.#inflightBytes += bytes
      },
      release: () => {
        if (released) return
        released = true
        this.#inflightRequests--
        this.#inflightBytes -= held
      },
    }
  }

  /**
   * Takes a request's events whole or refuses them. Resolves when they are queued, or
   * committed when `waitCommit` (or with the `direct` writer, which has no queue).
   */
  async accept(events: IngestEvent[], bytes: number, waitCommit: boolean): Promise<{ committed: boolean }> {
    if (this.#state !== 'serving' && this.#state !== 'draining') throw unavailable('shutting down')
    const path = writePath(this.#knobs.writer)
    if (!path.queued) {
      await this.#writeDirect(events)
      this.#accepted(events.length, bytes)
      this.#stats.eventsCommitted += events.length
      return { committed: true }
    }
    // A request still being read when the drain finished must not get a 202 for events
    // that nothing will write.
    if (this.#batcher.stopped) throw unavailable('shutting down')
    if (this.#spool) return this.#acceptSpooled(this.#spool, events, bytes, waitCommit)
    let ticket: Ticket | undefined
    const committed = waitCommit
      ? new Promise<void>((resolve, reject) => {
          ticket = { remaining: events.length, resolve, reject }
        })
      : undefined
    if (!this.#queue.tryEnqueue(CopyRows.of(events), ticket)) throw this.#queueRefusal()
    this.#accepted(events.length, bytes)
    await committed
    return { committed: waitCommit }
  }

  /** Counts an answered ingest request by status. */
  answered(status: number): void {
    this.#stats.countStatus(status)
  }

  /** Counts a refused ingest request: its reason and its status (none when the client left). */
  refused(error: SluiceError | 'client_aborted'): void {
    if (error === 'client_aborted') return this.#stats.reject('client_aborted')
    if (error.reason) this.#stats.reject(error.reason as RejectReason)
    this.#stats.countStatus(error.status)
  }

  /** Seconds a refused client should wait: longer while the database is down. */
  retryAfterSeconds(): number {
    return this.#batcher.databaseDown ? 5 : 1
  }

  gauges(): PipelineGauges {
    const queue = this.#queue
    const oldestAt = queue.oldestAt
    return {
      lifecycle: this.#state,
      notReady: this.#notReadyBecause() ?? null,
      queue: {
        events: queue.events,
        bytes: queue.bytes,
        capacityEvents: this.#knobs.queueMaxEvents,
        capacityBytes: this.#knobs.queueMaxBytes,
        oldestAgeMs: oldestAt === undefined ? 0 : Math.round((performance.now() - oldestAt) * 1000) / 1000,
      },
      inflight: { requests: this.#inflightRequests, bytes: this.#inflightBytes },
      writer: { strategy: this.#knobs.writer, state: this.#stats.writerState },
      databaseDown: this.#batcher.databaseDown,
      admission: this.#admission.gauges(),
      spool: this.#spool?.stats() ?? null,
    }
  }

  /** Refuses new requests from now on; those already admitted may finish. */
  beginDrain(): void {
    if (this.#state === 'serving' || this.#state === 'starting') this.#state = 'draining'
  }

  /** Stops taking requests and writes out the queue, within `timeoutMs`. */
  async drain(timeoutMs: number): Promise<DrainReport> {
    this.beginDrain()
    const report = this.#spool ? await this.#drainSpooled(this.#spool, timeoutMs) : { ...(await this.#batcher.drain(timeoutMs)), spooled: 0 }
    this.#state = 'stopped'
    this.#stopProbe()
    return report
  }

  /** Feeds what waits on disk while the batcher still writes, then drains the queue. */
  async #drainSpooled(spool: Spool, timeoutMs: number): Promise<DrainReport> {
    const deadline = performance.now() + timeoutMs
    let timer: NodeJS.Timeout | undefined
    await Promise.race([this.#feeder!.settled(), new Promise((resolve) => { timer = setTimeout(resolve, timeoutMs) })])
    clearTimeout(timer)
    await this.#feeder!.stop()
    const report = await this.#batcher.drain(Math.max(0, deadline - performance.now()))
    spool.commits.rejectWaiters(unavailable('shut down before the events were committed'))
    await spool.close()
    // Nothing unwritten is lost: it is on disk, and replayed at the next start.
    return { drained: report.drained, undrained: 0, spooled: spool.unwrittenEvents }
  }

  #notReadyBecause(): string | undefined {
    if (this.#state === 'starting' && this.#spool) return `replaying the spool (${this.#spool.unwrittenEvents} events)`
    if (this.#state !== 'serving') return this.#state
    if (this.#batcher.databaseDown) return 'database unreachable'
    // With the spool a full queue is only memory's read-ahead: the disk's fill is what counts.
    if (this.#spool) return this.#spool.notReadyBecause(this.#highWatermark)
    const fill = Math.max(this.#queue.events / this.#knobs.queueMaxEvents, this.#queue.bytes / this.#knobs.queueMaxBytes)
    if (fill > this.#highWatermark) return `queue ${Math.round(fill * 100)}% full`
    return undefined
  }

  #accepted(events: number, bytes: number): void {
    this.#stats.requestsAccepted++
    this.#stats.eventsAccepted += events
    this.#eventsPerRequest += (events - this.#eventsPerRequest) * EVENTS_PER_REQUEST_WEIGHT
    this.#stats.bytesAccepted += bytes
  }

  /**
   * Acknowledged once on disk: the events are appended and fdatasync'd, then queued in
   * the same turn (in sequence order) or left for the feeder to read back.
   */
  async #acceptSpooled(spool: Spool, events: IngestEvent[], bytes: number, waitCommit: boolean): Promise<{ committed: boolean }> {
    if (events.length === 0) {
      this.#accepted(0, bytes)
      return { committed: waitCommit }
    }
    const rows = CopyRows.of(events)
    let appended
    try {
      appended = await spool.append(rows)
    } catch (error) {
      if (error instanceof SpoolError) throw unavailable(error.message)
      throw error
    }
    this.#feeder!.offer(appended, rows)
    this.#accepted(events.length, bytes)
    if (waitCommit) await spool.commits.waitFor(appended.lastSeq)
    return { committed: waitCommit }
  }

  #queueRefusal() {
    return this.#batcher.databaseDown ? unavailable('database unreachable and queue full') : queueFull()
  }

  async #writeDirect(events: IngestEvent[]): Promise<void> {
    try {
      await insertEvents(this.#sql, events, this.#knobs.dbLatencyMs)
    } catch (error) {
      this.#stats.dbErrors++
      if (!isTransient(error)) throw invalidEvent(0, `the database refused the events: ${(error as Error).message}`)
      throw unavailable(`database write failed: ${(error as Error).message}`)
    }
  }
}

// Weight of the newest request in the events-per-request moving average (~20 requests).
const EVENTS_PER_REQUEST_WEIGHT = 0.05
