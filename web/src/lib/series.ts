import { FLUSH_TRIGGERS, REJECT_REASONS, type FlushTrigger, type RejectReason } from '../../../shared/ingest.ts'
import type { MetricsSnapshot } from '../../../shared/metrics.ts'
import { recordOf, zeroCounts } from '../../../shared/records.ts'
import type { Ring } from './ring.ts'
import type { BurstTick } from './stream-store.ts'

/**
 * One chart point: the snapshots of one time bucket folded together. Rates are exact
 * means over the bucket (counts / time); gauges keep the bucket's peak, so a spike
 * narrower than a pixel still shows. null breaks the line where ticks are missing.
 */
export interface Row {
  t: number
  accepted: number | null
  committed: number | null
  requests: number | null
  /** Rejected requests per second, keyed `rej_<reason>`. */
  [rejected: `rej_${string}`]: number | null
  /** One instance of a fleet: queue fill (%) keyed `iq_<index>`, event-loop p99 (ms) `il_<index>`, index into Frame.instanceIds. */
  [instanceQueue: `iq_${number}`]: number | null
  [instanceLoop: `il_${number}`]: number | null
  queueFill: number | null
  queueBytesFill: number | null
  queueEvents: number | null
  queueAgeMs: number | null
  inflight: number | null
  /** Open client connections, read or not. */
  connections: number | null
  /** Admission: the delay it steers by, its target (ms), and the share refused on CPU (%). */
  admDelay: number | null
  admTarget: number | null
  shedPct: number | null
  /** Cores in use (mean over the bucket): the server, its embedded PostgreSQL, a burst's generator. */
  cpuServer: number | null
  cpuDatabase: number | null
  cpuGenerator: number | null
  /** The largest flush of the bucket, in events. */
  flushEvents: number | null
  flushMs: number | null
  rssMb: number | null
  heapUsedMb: number | null
  heapTotalMb: number | null
  lagP50: number | null
  lagP99: number | null
  lagMax: number | null
  elu: number | null
  /** With the spool: its size on disk (MB), its oldest unwritten event's age (ms), fdatasyncs per second; null without it. */
  spoolMb: number | null
  spoolAgeMs: number | null
  fsyncsPerSec: number | null
}

export interface FlushPoint {
  t: number
  events: number
}

export interface BurstRow {
  t: number
  p50: number | null
  p90: number | null
  /** null also for runs recorded before p95 was measured. */
  p95: number | null
  p99: number | null
  offered: number | null
  achieved: number | null
  ok: number | null
}

/** What every live chart draws for the selected window, computed once per tick. */
export interface Frame {
  from: number
  to: number
  /** [from, to], made once so charts can memoise on it. */
  domain: readonly [number, number]
  bucketMs: number
  rows: Row[]
  /** Each trigger's flushes, at most one point (the largest) per bucket. */
  flushes: Record<FlushTrigger, FlushPoint[]>
  burstRows: BurstRow[]
  /** Time-axis labels: a few round times inside the window. */
  ticks: number[]
  /** Reasons with any rejection in the window, in REJECT_REASONS order. */
  rejectReasons: RejectReason[]
  /** Snapshots in the window before folding: what a chart would draw without decimation. */
  snapshots: number
  /**
   * Instances that were live in the window when there were ever two or more (a fleet),
   * in the order they appeared, at most MAX_INSTANCE_LINES; empty for a lone instance.
   */
  instanceIds: string[]
}

/** Lines per chart past which one per instance is noise: the panel lists them all. */
export const MAX_INSTANCE_LINES = 8

const MB = 1024 * 1024

interface Acc {
  t: number
  elapsed: number
  accepted: number
  committed: number
  requests: number
  rejected: Record<RejectReason, number>
  queueFill: number
  queueBytesFill: number
  queueEvents: number
  queueAgeMs: number
  inflight: number
  connections: number
  admDelay: number
  admTarget: number
  shedPct: number
  cpuServer: number
  cpuDatabase: number | null
  cpuGenerator: number | null
  flushEvents: number | null
  flushMs: number | null
  rss: number
  heapUsed: number
  heapTotal: number
  lagP50: number
  lagP99: number
  lagMax: number
  elu: number
  spool: number | null
  spoolAge: number | null
  fsyncs: number | null
  n: number
  /** Per instance index: the bucket's peak queue fill (0..1) and event-loop p99. */
  instQueue: Map<number, number>
  instLoop: Map<number, number>
}

function emptyAcc(): Acc {
  return {
    t: 0, elapsed: 0, accepted: 0, committed: 0, requests: 0,
    rejected: zeroCounts(REJECT_REASONS),
    queueFill: 0, queueBytesFill: 0, queueEvents: 0, queueAgeMs: 0, inflight: 0, connections: 0, admDelay: 0, admTarget: 0, shedPct: 0, cpuServer: 0, cpuDatabase: null, cpuGenerator: null, flushEvents: null, flushMs: null,
    rss: 0, heapUsed: 0, heapTotal: 0, lagP50: 0, lagP99: 0, lagMax: 0, elu: 0, spool: null, spoolAge: null, fsyncs: null, n: 0, instQueue: new Map(), instLoop: new Map(),
  }
}

/** Each live instance's queue fill and loop p99 into the bucket; `index` numbers instance ids for the frame. */
function addInstances(acc: Acc, s: MetricsSnapshot, index: (id: string) => number | undefined): void {
  // History from before there was a fleet has no list.
  for (const instance of s.instances ?? []) {
    if (instance.lifecycle === 'gone') continue
    const i = index(instance.id)
    if (i === undefined) continue
    const fill = instance.queue.capacityEvents > 0 ? instance.queue.events / instance.queue.capacityEvents : 0
    acc.instQueue.set(i, Math.max(acc.instQueue.get(i) ?? 0, fill))
    acc.instLoop.set(i, Math.max(acc.instLoop.get(i) ?? 0, instance.eventLoop.delayP99Ms))
  }
}

function add(acc: Acc, s: MetricsSnapshot): void {
  acc.t = s.time
  acc.elapsed += s.elapsedMs
  acc.accepted += s.tick.eventsAccepted
  acc.committed += s.tick.eventsCommitted
  acc.requests += s.tick.requestsAccepted
  for (const reason of REJECT_REASONS) acc.rejected[reason] += s.tick.rejected[reason] ?? 0
  acc.queueFill = Math.max(acc.queueFill, s.queue.events / s.queue.capacityEvents)
  acc.queueBytesFill = Math.max(acc.queueBytesFill, s.queue.bytes / s.queue.capacityBytes)
  acc.queueEvents = Math.max(acc.queueEvents, s.queue.events)
  acc.queueAgeMs = Math.max(acc.queueAgeMs, s.queue.oldestAgeMs)
  acc.inflight = Math.max(acc.inflight, s.inflight.requests)
  // Older history (before these figures existed) reads as zero.
  acc.connections = Math.max(acc.connections, s.connections?.open ?? 0)
  acc.admDelay = Math.max(acc.admDelay, s.admission?.delayMs ?? 0)
  acc.admTarget = Math.max(acc.admTarget, s.admission?.targetMs ?? 0)
  acc.shedPct = Math.max(acc.shedPct, (s.admission?.shedFraction ?? 0) * 100)
  acc.cpuServer += s.cpu?.server ?? 0
  if (s.cpu?.database != null) acc.cpuDatabase = (acc.cpuDatabase ?? 0) + s.cpu.database
  if (s.cpu?.generator != null) acc.cpuGenerator = (acc.cpuGenerator ?? 0) + s.cpu.generator
  for (const flush of s.flushes) {
    acc.flushMs = Math.max(acc.flushMs ?? 0, flush.durationMs)
    acc.flushEvents = Math.max(acc.flushEvents ?? 0, flush.events)
  }
  acc.rss = Math.max(acc.rss, s.memory.rssBytes)
  acc.heapUsed = Math.max(acc.heapUsed, s.memory.heapUsedBytes)
  acc.heapTotal = Math.max(acc.heapTotal, s.memory.heapTotalBytes)
  acc.lagP50 += s.eventLoop.delayP50Ms
  acc.lagP99 = Math.max(acc.lagP99, s.eventLoop.delayP99Ms)
  acc.lagMax = Math.max(acc.lagMax, s.eventLoop.delayMaxMs)
  acc.elu += s.eventLoop.utilization
  if (s.spool) {
    acc.spool = Math.max(acc.spool ?? 0, s.spool.bytes)
    acc.spoolAge = Math.max(acc.spoolAge ?? 0, s.spool.oldestUnwrittenAgeMs)
    acc.fsyncs = Math.max(acc.fsyncs ?? 0, s.spool.fsyncsPerSec)
  }
  acc.n++
}

function toRow(acc: Acc, reasons: readonly RejectReason[], instances: number): Row {
  const perSec = acc.elapsed > 0 ? 1000 / acc.elapsed : 0
  const row: Row = {
    t: acc.t,
    accepted: acc.accepted * perSec,
    committed: acc.committed * perSec,
    requests: acc.requests * perSec,
    queueFill: acc.queueFill * 100,
    queueBytesFill: acc.queueBytesFill * 100,
    queueEvents: acc.queueEvents,
    queueAgeMs: acc.queueAgeMs,
    inflight: acc.inflight,
    connections: acc.connections,
    admDelay: acc.admDelay,
    admTarget: acc.admTarget,
    shedPct: acc.shedPct,
    cpuServer: acc.cpuServer / acc.n,
    cpuDatabase: acc.cpuDatabase === null ? null : acc.cpuDatabase / acc.n,
    cpuGenerator: acc.cpuGenerator === null ? null : acc.cpuGenerator / acc.n,
    flushEvents: acc.flushEvents,
    flushMs: acc.flushMs,
    rssMb: acc.rss / MB,
    heapUsedMb: acc.heapUsed / MB,
    heapTotalMb: acc.heapTotal / MB,
    lagP50: acc.lagP50 / acc.n,
    lagP99: acc.lagP99,
    lagMax: acc.lagMax,
    elu: (acc.elu / acc.n) * 100,
    spoolMb: acc.spool === null ? null : acc.spool / MB,
    spoolAgeMs: acc.spoolAge,
    fsyncsPerSec: acc.fsyncs,
  }
  for (const reason of reasons) row[`rej_${reason}`] = acc.rejected[reason] * perSec
  for (let i = 0; i < instances; i++) {
    row[`iq_${i}`] = acc.instQueue.has(i) ? acc.instQueue.get(i)! * 100 : null
    row[`il_${i}`] = acc.instLoop.get(i) ?? null
  }
  return row
}

function gapRow(t: number): Row {
  return {
    t, accepted: null, committed: null, requests: null, queueFill: null, queueBytesFill: null, queueEvents: null,
    queueAgeMs: null, inflight: null, connections: null, admDelay: null, admTarget: null, shedPct: null, cpuServer: null, cpuDatabase: null, cpuGenerator: null, flushEvents: null, flushMs: null, rssMb: null, heapUsedMb: null, heapTotalMb: null,
    lagP50: null, lagP99: null, lagMax: null, elu: null, spoolMb: null, spoolAgeMs: null, fsyncsPerSec: null,
  }
}

const TICK_STEPS_MS = [1_000, 2_000, 5_000, 10_000, 15_000, 30_000, 60_000, 120_000, 300_000, 600_000]
/** Half an "HH:MM:SS" label at 10 px, and a little air: a tick closer to an edge would be cut. */
const LABEL_HALF_PX = 26
/** A whole label and the gap to the next: closer than this they run into one another. */
const LABEL_PITCH_PX = 60

/**
 * Round times for the time axis, about four per window. Given explicitly, the axis draws
 * them as they are instead of measuring label widths on every redraw to thin them out.
 * None is placed closer to an edge than half a label, so neither end label is cut.
 */
export function timeTicks(from: number, to: number, plotWidthPx = 300): number[] {
  const span = to - from
  const most = Math.max(2, Math.min(5, Math.floor(plotWidthPx / LABEL_PITCH_PX)))
  const step = TICK_STEPS_MS.find((s) => span / s <= most) ?? TICK_STEPS_MS.at(-1)!
  const margin = Math.max(span * 0.04, (span * LABEL_HALF_PX) / Math.max(1, plotWidthPx))
  const ticks: number[] = []
  for (let t = Math.ceil((from + margin) / step) * step; t <= to - margin; t += step) ticks.push(t)
  return ticks
}

/**
 * How long one point lasts: at least a tick, and enough that the window fits in
 * `maxPoints`. A whole number of ticks, so every bucket holds the same count.
 */
export function bucketFor(windowMs: number, maxPoints: number, tickMs: number): number {
  return tickMs * Math.max(1, Math.ceil(windowMs / Math.max(1, maxPoints) / tickMs))
}

/** The live window that ends with bucket `slot`: it moves one bucket (one pixel column) at a time. */
export function liveRange(windowMs: number, bucketMs: number, slot: number): { from: number; to: number } {
  const to = (slot + 1) * bucketMs
  return { from: to - windowMs, to }
}

/**
 * Folds the range into one point per bucket. Buckets are aligned to absolute time, so a
 * point never moves as a live window slides, and the frame only changes when a new
 * bucket (a new pixel column) begins.
 */
export function buildFrame(snapshots: Ring<MetricsSnapshot>, burstTicks: Ring<BurstTick>, { from, to }: { from: number; to: number }, bucketMs: number, tickMs: number, plotWidthPx: number): Frame {
  const start = snapshots.lowerBound((s) => s.time, from)
  const end = snapshots.lowerBound((s) => s.time, to + 1)

  // First pass: which reasons appear at all, so the stack only has live layers.
  const seen = new Set<RejectReason>()
  for (let i = start; i < end; i++) {
    const rejected = snapshots.at(i)!.tick.rejected
    for (const reason of REJECT_REASONS) if (rejected[reason]) seen.add(reason)
  }
  const rejectReasons = REJECT_REASONS.filter((r) => seen.has(r))
  const instanceIds = fleetInstances(snapshots, start, end)
  const indexOf = new Map(instanceIds.map((id, i) => [id, i]))
  const index = (id: string) => indexOf.get(id)

  const rows: Row[] = []
  const flushes = recordOf(FLUSH_TRIGGERS, (): FlushPoint[] => [])
  const flushPeak = new Map<FlushTrigger, FlushPoint>()
  let acc = emptyAcc()
  let bucket = -1
  let lastTime = -Infinity
  const closeBucket = () => {
    if (acc.n) rows.push(toRow(acc, rejectReasons, instanceIds.length))
    for (const [trigger, point] of flushPeak) flushes[trigger].push(point)
    flushPeak.clear()
    acc = emptyAcc()
  }
  for (let i = start; i < end; i++) {
    const s = snapshots.at(i)!
    const b = Math.floor(s.time / bucketMs)
    if (b !== bucket) {
      closeBucket()
      if (s.time - lastTime > Math.max(3 * tickMs, 2 * bucketMs) && rows.length) rows.push(gapRow(lastTime + tickMs))
      bucket = b
    }
    add(acc, s)
    if (instanceIds.length) addInstances(acc, s, index)
    for (const flush of s.flushes) {
      const peak = flushPeak.get(flush.trigger)
      if (!peak || flush.events > peak.events) flushPeak.set(flush.trigger, { t: flush.at, events: flush.events })
    }
    lastTime = s.time
  }
  closeBucket()

  const snapshotsInRange = end - start
  return { from, to, domain: [from, to], ticks: timeTicks(from, to, plotWidthPx), bucketMs, rows, flushes, burstRows: foldBurstTicks(burstTicks, from, to, bucketMs, tickMs), rejectReasons, snapshots: snapshotsInRange, instanceIds }
}

/** The ids of instances live in the range, if two or more ever were at once. */
function fleetInstances(snapshots: Ring<MetricsSnapshot>, start: number, end: number): string[] {
  const ids: string[] = []
  let fleet = false
  for (let i = start; i < end; i++) {
    const instances = snapshots.at(i)!.instances ?? []
    let live = 0
    for (const instance of instances) {
      if (instance.lifecycle === 'gone') continue
      live++
      if (!ids.includes(instance.id) && ids.length < MAX_INSTANCE_LINES) ids.push(instance.id)
    }
    if (live > 1) fleet = true
  }
  return fleet ? ids : []
}

function foldBurstTicks(ticks: Ring<BurstTick>, from: number, to: number, bucketMs: number, tickMs: number): BurstRow[] {
  const out: BurstRow[] = []
  let bucket = -1
  let lastAt = -Infinity
  const empty = () => ({ t: 0, p50: 0, p90: 0, p95: null as number | null, p99: 0, answered: false, offered: 0, achieved: 0, ok: 0, weight: 0 })
  let acc = empty()
  const close = () => {
    const { weight } = acc
    if (weight > 0) {
      const latency = (v: number | null) => (acc.answered ? v : null)
      out.push({ t: acc.t, p50: latency(acc.p50), p90: latency(acc.p90), p95: latency(acc.p95), p99: latency(acc.p99), offered: acc.offered / weight, achieved: acc.achieved / weight, ok: acc.ok / weight })
    }
    acc = empty()
  }
  for (let i = ticks.lowerBound((t) => t.at, from); i < ticks.size; i++) {
    const { at, window } = ticks.at(i)!
    if (at > to) break
    const b = Math.floor(at / bucketMs)
    // A recorded second (backfill) is longer than a bucket of a short window: it still starts a point of its own.
    if (b !== bucket) {
      close()
      // Between two bursts the lines break instead of joining across the idle time.
      if (at - lastAt > Math.max(4 * tickMs, 2 * bucketMs, 2 * window.durationMs) && out.length) out.push({ t: lastAt + tickMs, p50: null, p90: null, p95: null, p99: null, offered: null, achieved: null, ok: null })
      bucket = b
    }
    const w = window.durationMs
    const latency = window.latency
    acc.t = at
    if (latency.count) {
      acc.answered = true
      acc.p50 = Math.max(acc.p50, latency.p50)
      acc.p90 = Math.max(acc.p90, latency.p90)
      if (latency.p95 !== undefined) acc.p95 = Math.max(acc.p95 ?? 0, latency.p95)
      acc.p99 = Math.max(acc.p99, latency.p99)
    }
    acc.offered += window.offeredRate * w
    acc.achieved += window.achievedRate * w
    acc.ok += window.okRate * w
    acc.weight += w
    lastAt = at
  }
  close()
  return out
}
