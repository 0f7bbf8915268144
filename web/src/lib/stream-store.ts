import type { BurstProgress, BurstSummary, BurstWindow, ServerVitals } from '../../../shared/bursts.ts'
import type { EffectiveConfig, LiveConfig } from '../../../shared/config.ts'
import type { MetricsSnapshot } from '../../../shared/metrics.ts'
import type { Annotation, ConfigChange, Hello } from '../../../shared/sse.ts'
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
  readonly name: string
  readonly startedAt: number
  endedAt: number | null
  phase: BurstProgress['phase']
  elapsedMs: number
  durationMs: number
  window: BurstWindow | null
  summary: BurstSummary | null
}

/** A knob change, drawn as a line on every chart. */
export interface ConfigMark {
  readonly at: number
  readonly text: string
}

function describeChange(change: ConfigChange, before: LiveConfig | undefined): string {
  return change.changed
    .map((key) => `${key} ${before ? `${String(before[key])} → ` : '→ '}${String(change.config.live[key])}`)
    .join(', ')
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
  /** Bumped by every change; React memoises on it. */
  version = 0

  hello(hello: Hello): void {
    const tickMs = hello.config.fixed.tickMs
    const capacity = Math.min(MAX_TICKS, Math.ceil(MAX_WINDOW_MS / tickMs) + 8)
    const sameRun = hello.startedAt === this.startedAt
    if (!sameRun) {
      this.snapshots = new Ring(capacity)
      this.burstTicks.clear()
      this.configMarks.clear()
      this.bursts.clear()
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
  }

  configChange(change: ConfigChange): void {
    this.configMarks.push({ at: this.snapshots.last()?.time ?? Date.now(), text: describeChange(change, this.config?.live) })
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
    if (progress.phase === 'started') {
      burst = { id: progress.id, name: progress.name, startedAt: progress.at, endedAt: null, phase: 'started', elapsedMs: 0, durationMs: progress.spec.durationMs, window: null, summary: null }
      this.bursts.set(progress.id, burst)
      if (this.bursts.size > MAX_BURSTS) this.bursts.delete(this.bursts.keys().next().value!)
    }
    if (!burst) {
      // Joined mid-burst: the span starts where the tick says the burst started.
      if (progress.phase !== 'tick') return
      burst = { id: progress.id, name: progress.id, startedAt: progress.at - progress.elapsedMs, endedAt: null, phase: 'tick', elapsedMs: 0, durationMs: progress.durationMs, window: null, summary: null }
      this.bursts.set(progress.id, burst)
    }
    burst.phase = progress.phase
    if (progress.phase === 'tick') {
      burst.elapsedMs = progress.elapsedMs
      burst.durationMs = progress.durationMs
      burst.window = progress.window
      this.burstTicks.push({ at: progress.at, id: progress.id, window: progress.window, server: progress.server })
    } else if (progress.phase !== 'started') {
      burst.endedAt = progress.at
      burst.summary = progress.summary
    }
    this.version++
  }

  /** The burst running now, if any. */
  running(): LiveBurst | undefined {
    for (const burst of this.bursts.values()) if (burst.endedAt === null) return burst
    return undefined
  }
}
