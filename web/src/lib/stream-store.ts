import { SATURATED_SHARE, type BurstModel, type BurstProgress, type BurstRecord, type BurstStatus, type BurstSummary, type BurstWindow, type LoadChange, type ServerVitals } from '../../../shared/bursts.ts'
import type { EffectiveConfig } from '../../../shared/config.ts'
import type { FlushSample, MetricsSnapshot } from '../../../shared/metrics.ts'
import type { Annotation, ConfigChange, Hello, KnobChangeRecord } from '../../../shared/sse.ts'
import { knobChange } from './knob-text.ts'
import { Ring } from './ring.ts'

/** The longest window the charts offer; the store keeps this much and no more. */
export const MAX_WINDOW_MS = 15 * 60_000
// A server ticking faster than 50 ms is a test setup: cap memory instead of keeping 15 min of it.
const MAX_TICKS = 18_000
const MAX_MARKS = 500
const MAX_BURSTS = 100

export interface BurstTick {
  readonly at: number
  readonly id: string
  readonly window: BurstWindow
  readonly server: ServerVitals
}

/** One burst as the stream told of it: its span on the charts and its live progress. */
export interface LiveBurst {
  readonly id: string
  /** The id until the name is known (a burst joined mid-way). */
  name: string
  readonly startedAt: number
  endedAt: number | null
  phase: Exclude<BurstProgress['phase'], 'load'> | BurstStatus
  /** null until known (a burst joined mid-way, before the run list says). */
  model: BurstModel | null
  /** Levels set by hand while it ran, in order. */
  loadChanges: LoadChange[]
  elapsedMs: number
  durationMs: number
  window: BurstWindow | null
  summary: BurstSummary | null
  /** Sends the schedule asked for so far (open), or started (closed), and how many of them were late or skipped. */
  intended: number
  behind: number
}

/** Whether the generator is falling behind its schedule: the summary's verdict once there is one, the ticks' until then. */
export function generatorBehind(burst: LiveBurst): boolean {
  if (burst.summary) return burst.summary.generatorSaturated
  return burst.intended > 0 && burst.behind / burst.intended > SATURATED_SHARE
}

/** A knob change, drawn as a line on every chart: one per knob, so each gets its own label. */
export interface ConfigMark {
  readonly at: number
  readonly text: string
  /** Who changed it: "api", "burst <name>", "burst <name> ended". */
  readonly by: string
}

/** One mark per knob of a change the server kept or sent. */
function knobMarks(change: KnobChangeRecord): ConfigMark[] {
  return (Object.keys(change.to) as Array<keyof KnobChangeRecord['to']>).map((key) => ({ at: change.at, by: change.by, text: knobChange(key, change.from[key], change.to[key]!) }))
}

/**
 * Everything the dashboard keeps of /api/stream, in capped rings. Plain mutable data:
 * the stream hook applies events here and bumps `version` once per frame for React.
 */
export class StreamStore {
  snapshots = new Ring<MetricsSnapshot>(Math.ceil(MAX_WINDOW_MS / 250) + 8)
  readonly burstTicks = new Ring<BurstTick>(MAX_TICKS)
  readonly annotations = new Ring<Annotation>(MAX_MARKS)
  readonly configMarks = new Ring<ConfigMark>(MAX_MARKS)
  readonly bursts = new Map<string, LiveBurst>()
  config: EffectiveConfig | null = null
  startedAt: number | null = null
  lastSeq: number | null = null
  /** Ticks that never arrived (a jump in `seq` within one server run). */
  missedTicks = 0
  /** The newest flush seen, however long ago: the flush chart's caption. */
  lastFlush: FlushSample | null = null
  /** `hello`s received: each is a (re)connection, after which events sent while away (a burst's end) are missing. */
  hellos = 0
  /** Runs whose recorded series were folded into burstTicks (a reload, or joining mid-run). */
  readonly backfilled = new Set<string>()
  /** Bumped by every change; React memoises on it. */
  version = 0

  hello(hello: Hello): void {
    this.hellos++
    const tickMs = hello.config.fixed.tickMs
    const capacity = Math.min(MAX_TICKS, Math.ceil(MAX_WINDOW_MS / tickMs) + 8)
    const sameRun = hello.startedAt === this.startedAt
    if (!sameRun) {
      this.snapshots = new Ring(capacity)
      this.burstTicks.clear()
      this.bursts.clear()
      this.backfilled.clear()
      this.lastFlush = null
      this.lastSeq = null
    } else if (hello.since === null) {
      // A fresh hello from the same server run: its history replaces ours where they
      // overlap, and what we saw before it began (the server keeps less than we do) stays.
      const first = hello.history[0]?.seq ?? Infinity
      const older = this.snapshots.toArray().filter((s) => s.seq < first)
      this.snapshots.clear()
      this.lastSeq = null
      for (const snapshot of older) this.#push(snapshot)
    }
    this.startedAt = hello.startedAt
    this.config = hello.config
    this.annotations.clear()
    for (const annotation of hello.annotations) this.annotations.push(annotation)
    // The server keeps the changes as long as its history: a reload still marks them. An
    // older server sends none, and its marks are only those seen live.
    if (hello.knobChanges) {
      this.configMarks.clear()
      for (const change of hello.knobChanges) for (const mark of knobMarks(change)) this.configMarks.push(mark)
    } else if (!sameRun) this.configMarks.clear()
    for (const snapshot of hello.history) this.#push(snapshot)
    this.version++
  }

  metrics(snapshot: MetricsSnapshot): void {
    this.#push(snapshot)
    this.version++
  }

  #push(snapshot: MetricsSnapshot): void {
    if (this.lastSeq !== null) {
      if (snapshot.seq <= this.lastSeq) return
      this.missedTicks += snapshot.seq - this.lastSeq - 1
    }
    this.lastSeq = snapshot.seq
    this.snapshots.push(snapshot)
    const flush = snapshot.flushes.at(-1)
    if (flush && (!this.lastFlush || flush.at >= this.lastFlush.at)) this.lastFlush = flush
  }

  configChange(change: ConfigChange): void {
    const at = change.at ?? this.snapshots.last()?.time ?? Date.now()
    const before = change.from ?? this.config?.live
    for (const key of change.changed) this.configMarks.push({ at, by: change.by, text: knobChange(key, before?.[key], change.config.live[key]) })
    this.config = change.config
    this.version++
  }

  annotation(annotation: Annotation): void {
    const last = this.annotations.last()
    if (!last || annotation.id > last.id) this.annotations.push(annotation)
    this.version++
  }

  burst(progress: BurstProgress): void {
    let burst = this.bursts.get(progress.id)
    if (progress.phase === 'load') {
      if (burst && !burst.loadChanges.some((c) => c.t === progress.change.t)) burst.loadChanges.push(progress.change)
      this.version++
      return
    }
    if (progress.phase === 'started') {
      burst = { id: progress.id, name: progress.name, startedAt: progress.at, endedAt: null, phase: 'started', model: progress.spec.model, loadChanges: [], elapsedMs: 0, durationMs: progress.spec.durationMs, window: null, summary: null, intended: 0, behind: 0 }
      this.bursts.set(progress.id, burst)
      // Seen from its start: the stream brings every tick, nothing to fetch.
      this.backfilled.add(progress.id)
      if (this.bursts.size > MAX_BURSTS) this.bursts.delete(this.bursts.keys().next().value!)
    }
    if (!burst) {
      // Joined mid-burst: the span starts where the tick says the burst started.
      if (progress.phase !== 'tick') return
      burst = { id: progress.id, name: progress.id, startedAt: progress.at - progress.elapsedMs, endedAt: null, phase: 'tick', model: null, loadChanges: [], elapsedMs: 0, durationMs: progress.durationMs, window: null, summary: null, intended: 0, behind: 0 }
      this.bursts.set(progress.id, burst)
    }
    burst.phase = progress.phase
    if (progress.phase === 'tick') {
      burst.elapsedMs = progress.elapsedMs
      burst.durationMs = progress.durationMs
      burst.window = progress.window
      burst.intended += (progress.window.offeredRate * progress.window.durationMs) / 1000
      burst.behind += progress.window.late + progress.window.skipped
      this.burstTicks.push({ at: progress.at, id: progress.id, window: progress.window, server: progress.server })
    } else if (progress.phase !== 'started') {
      burst.endedAt = progress.at
      burst.summary = progress.summary
      burst.model = progress.summary.model
      burst.loadChanges = [...(progress.summary.loadChanges ?? burst.loadChanges)]
    }
    this.version++
  }

  /**
   * Folds a recorded run into the burst charts: after a reload the stream has no ticks of
   * runs that already ended, and a run joined mid-way only has the ticks since. Points
   * already covered by live ticks of the run are left out.
   */
  backfill(record: BurstRecord): void {
    if (this.backfilled.has(record.id)) return
    this.backfilled.add(record.id)
    const s = record.summary
    const all = this.burstTicks.toArray()
    const firstLive = all.find((t) => t.id === record.id)?.at ?? Infinity
    const recorded: BurstTick[] = []
    for (const point of record.series) {
      const { rssBytes, loopDelayMaxMs, ...window } = point
      const at = s.startedAt + point.t
      if (at < firstLive) recorded.push({ at, id: record.id, window, server: { rssBytes, loopDelayMaxMs } })
    }
    if (recorded.length) {
      // The ring is searched by time: merge in order rather than append.
      const merged = [...all, ...recorded].sort((a, b) => a.at - b.at)
      this.burstTicks.clear()
      for (const tick of merged.slice(-this.burstTicks.capacity)) this.burstTicks.push(tick)
    }
    if (!this.bursts.has(record.id)) {
      const ended = s.status !== 'running'
      this.bursts.set(record.id, {
        id: record.id, name: s.name, startedAt: s.startedAt, endedAt: ended ? (s.endedAt ?? s.startedAt + s.durationMs) : null,
        phase: s.status, model: s.model, loadChanges: [...(s.loadChanges ?? [])], elapsedMs: s.durationMs, durationMs: record.spec.durationMs, window: record.series.at(-1) ?? null,
        summary: ended ? s : null, intended: s.requests.intended, behind: s.requests.late + s.requests.skipped,
      })
    } else {
      const live = this.bursts.get(record.id)!
      if (live.name === live.id) live.name = s.name
      live.model ??= s.model
      for (const change of s.loadChanges ?? []) if (!live.loadChanges.some((c) => c.t === change.t)) live.loadChanges.push(change)
    }
    this.version++
  }

  /**
   * Ends bursts the stream still has running but the run list says have ended: their end
   * was sent while the stream was away (only ticks are replayed on a reconnect).
   */
  reconcile(runs: readonly BurstSummary[]): void {
    for (const run of runs) {
      const live = this.bursts.get(run.id)
      if (live && live.endedAt === null && run.status !== 'running') this.burst({ phase: run.status, id: run.id, at: run.endedAt ?? Date.now(), summary: run })
    }
  }

  /** The latest burst to start: running, or the last to end. */
  latest(): LiveBurst | undefined {
    let latest: LiveBurst | undefined
    for (const burst of this.bursts.values()) if (!latest || burst.startedAt >= latest.startedAt) latest = burst
    return latest
  }

  /** The burst running now, if any. */
  running(): LiveBurst | undefined {
    for (const burst of this.bursts.values()) if (burst.endedAt === null) return burst
    return undefined
  }
}
