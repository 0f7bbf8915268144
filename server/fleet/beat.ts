import type { CpuCores } from '../../shared/cpu.ts'
import type { AdmissionGauges, FlushSample, IngestCounts, InstanceLifecycle, MetricsSnapshot } from '../../shared/metrics.ts'
import { sparseDelta } from '../metrics/log-histogram.ts'
import { addCounts, perSecond, subtractCounts } from './counts.ts'

/** Flushes one heartbeat carries at most: 20/s per writer at the 50 ms interval, with room for bursts. */
const MAX_FLUSHES_PER_BEAT = 256

/**
 * One instance's heartbeat: what the others need to merge it into their view, about
 * 2 KB of JSON. Counters are totals since the instance started, so a missed beat loses
 * nothing; latency is the requests since the previous beat, in log buckets.
 */
export interface Beat {
  pid: number
  /** Epoch ms: with the pid, tells a restarted instance (same SLUICE_INSTANCE) from the old one. */
  startedAt: number
  /** Counts this instance's beats: a reader merges each one once. */
  beat: number
  /** How long the beat covers, ms: what the reader spreads its counts over. */
  intervalMs: number
  lifecycle: InstanceLifecycle
  total: IngestCounts
  /** Over `intervalMs`. */
  perSec: IngestCounts
  queue: MetricsSnapshot['queue']
  inflight: MetricsSnapshot['inflight']
  connections: MetricsSnapshot['connections']
  /** Each figure the worst of the ticks in the interval (utilisation their mean). */
  eventLoop: MetricsSnapshot['eventLoop']
  memory: MetricsSnapshot['memory']
  cpu: CpuCores
  admission: AdmissionGauges
  writer: MetricsSnapshot['writer']
  diagnosis: MetricsSnapshot['diagnosis']
  /** Requests finished in the interval, as [bucket, count] of server/metrics/log-histogram.ts. */
  latency: Array<[number, number]>
  /** Batches written in the interval, oldest first (at most 256). */
  flushes: FlushSample[]
}

/**
 * Folds this instance's ticks into its next heartbeat. `take` is called once a beat;
 * `requestLog` is the core's cumulative latency buckets.
 */
export function beatBuilder(requestLog: Float64Array, startedAt: number) {
  let count = 0
  let last: MetricsSnapshot | undefined
  let lastBeatAt = performance.now()
  let totalAtBeat: IngestCounts | undefined
  let logAtBeat = Float64Array.from(requestLog)
  let loop = { delayP50Ms: 0, delayP99Ms: 0, delayMaxMs: 0, utilization: 0 }
  let ticks = 0
  let flushes: FlushSample[] = []

  return {
    /** Every local tick, before it is merged. */
    add(local: MetricsSnapshot): void {
      last = local
      totalAtBeat ??= subtractCounts(local.total, local.tick)
      const e = local.eventLoop
      loop = {
        delayP50Ms: Math.max(loop.delayP50Ms, e.delayP50Ms),
        delayP99Ms: Math.max(loop.delayP99Ms, e.delayP99Ms),
        delayMaxMs: Math.max(loop.delayMaxMs, e.delayMaxMs),
        utilization: loop.utilization + e.utilization,
      }
      ticks++
      for (const flush of local.flushes) if (flushes.length < MAX_FLUSHES_PER_BEAT) flushes.push(flush)
    },

    /** The heartbeat for the ticks since the last one; undefined before the first tick. */
    take(lifecycle?: InstanceLifecycle): Beat | undefined {
      if (!last || !totalAtBeat) return undefined
      const now = performance.now()
      const intervalMs = Math.max(1, now - lastBeatAt)
      const delta = subtractCounts(last.total, totalAtBeat)
      const beat: Beat = {
        pid: process.pid,
        startedAt,
        beat: ++count,
        intervalMs: Math.round(intervalMs),
        lifecycle: lifecycle ?? last.lifecycle,
        total: last.total,
        perSec: perSecond(delta, intervalMs),
        queue: last.queue,
        inflight: last.inflight,
        connections: last.connections,
        eventLoop: { ...loop, utilization: ticks ? Math.round((loop.utilization / ticks) * 10_000) / 10_000 : 0 },
        memory: last.memory,
        cpu: last.cpu,
        admission: last.admission,
        writer: last.writer,
        diagnosis: last.diagnosis,
        latency: sparseDelta(requestLog, logAtBeat),
        flushes,
      }
      lastBeatAt = now
      totalAtBeat = addCounts(totalAtBeat, delta)
      logAtBeat = Float64Array.from(requestLog)
      loop = { delayP50Ms: 0, delayP99Ms: 0, delayMaxMs: 0, utilization: 0 }
      ticks = 0
      flushes = []
      return beat
    },
  }
}

export type BeatBuilder = ReturnType<typeof beatBuilder>
