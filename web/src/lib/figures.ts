import { REJECT_REASONS, type RejectReason } from '../../../shared/ingest.ts'
import type { FlushSample, Lifecycle, MetricsSnapshot, SpoolSnapshot } from '../../../shared/metrics.ts'
import type { WriterState, WriterStrategy } from '../../../shared/ingest.ts'
import type { Ring } from './ring.ts'

/**
 * Rates and event-loop delays in the headline cover this much, so a 4 Hz stream does not
 * flicker; every figure of one kind covers the same span, so p99 never shows above max.
 */
export const AVERAGE_MS = 1_000

/** The current figures: what the headline strip and the charts' captions say now. */
export interface Figures {
  time: number
  lifecycle: Lifecycle
  /** Why /readyz says not ready, as the server decided it; null when ready. */
  notReady: string | null
  writer: WriterStrategy
  writerState: WriterState
  eventsPerSec: number
  committedPerSec: number
  requestsPerSec: number
  rejectedPerSec: number
  rejectedByReason: Partial<Record<RejectReason, number>>
  queueEvents: number
  queueBytes: number
  capacityEvents: number
  capacityBytes: number
  /** The fuller of events and bytes, 0..1. */
  queueFill: number
  oldestAgeMs: number
  inflight: number
  inflightBytes: number
  connections: number
  admission: MetricsSnapshot['admission'] | null
  cpu: MetricsSnapshot['cpu'] | null
  diagnosis: MetricsSnapshot['diagnosis'] | null
  /** Event-loop delay over the last AVERAGE_MS: mean of the ticks' p50, worst p99, worst max. */
  lagP50: number
  lagP99: number
  lagMax: number
  /** Mean over the last AVERAGE_MS. */
  utilization: number
  rssBytes: number
  heapUsedBytes: number
  heapTotalBytes: number
  lastFlush: FlushSample | null
  sseClients: number
  /** null without the spool (SLUICE_DURABILITY=memory). */
  spool: SpoolSnapshot | null
}

/** The figures of the last second; `lastFlush` is the store's, which remembers it however long ago it was. */
export function currentFigures(snapshots: Ring<MetricsSnapshot>, lastFlush: FlushSample | null): Figures | null {
  const latest = snapshots.last()
  if (!latest) return null
  let elapsed = 0
  let events = 0
  let committed = 0
  let requests = 0
  let lagP50Sum = 0
  let lagP99 = 0
  let lagMax = 0
  let utilizationSum = 0
  let ticks = 0
  const rejected: Partial<Record<RejectReason, number>> = {}
  for (let i = snapshots.size - 1; i >= 0 && elapsed < AVERAGE_MS; i--) {
    const s = snapshots.at(i)!
    elapsed += s.elapsedMs
    events += s.tick.eventsAccepted
    committed += s.tick.eventsCommitted
    requests += s.tick.requestsAccepted
    lagP50Sum += s.eventLoop.delayP50Ms
    lagP99 = Math.max(lagP99, s.eventLoop.delayP99Ms)
    lagMax = Math.max(lagMax, s.eventLoop.delayMaxMs)
    utilizationSum += s.eventLoop.utilization
    ticks++
    for (const reason of REJECT_REASONS) {
      const n = s.tick.rejected[reason]
      if (n) rejected[reason] = (rejected[reason] ?? 0) + n
    }
  }
  const perSec = elapsed > 0 ? 1000 / elapsed : 0
  let rejectedTotal = 0
  for (const reason of Object.keys(rejected) as RejectReason[]) {
    rejected[reason]! *= perSec
    rejectedTotal += rejected[reason]!
  }
  const q = latest.queue
  return {
    time: latest.time,
    lifecycle: latest.lifecycle,
    notReady: latest.readiness.reason,
    writer: latest.writer.strategy,
    writerState: latest.writer.state,
    eventsPerSec: events * perSec,
    committedPerSec: committed * perSec,
    requestsPerSec: requests * perSec,
    rejectedPerSec: rejectedTotal,
    rejectedByReason: rejected,
    queueEvents: q.events,
    queueBytes: q.bytes,
    capacityEvents: q.capacityEvents,
    capacityBytes: q.capacityBytes,
    queueFill: Math.max(q.events / q.capacityEvents, q.bytes / q.capacityBytes),
    oldestAgeMs: q.oldestAgeMs,
    inflight: latest.inflight.requests,
    inflightBytes: latest.inflight.bytes,
    connections: latest.connections?.open ?? 0,
    admission: latest.admission ?? null,
    cpu: latest.cpu ?? null,
    diagnosis: latest.diagnosis ?? null,
    lagP50: lagP50Sum / ticks,
    lagP99,
    // A tick's p99 can exceed its own max by the histogram's rounding; the headline must not.
    lagMax: Math.max(lagMax, lagP99),
    utilization: utilizationSum / ticks,
    rssBytes: latest.memory.rssBytes,
    heapUsedBytes: latest.memory.heapUsedBytes,
    heapTotalBytes: latest.memory.heapTotalBytes,
    lastFlush,
    sseClients: latest.sse.clients,
    spool: latest.spool ?? null,
  }
}
