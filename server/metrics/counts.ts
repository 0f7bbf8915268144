import { FLUSH_TRIGGERS, REJECT_REASONS, type FlushTrigger, type RejectReason } from '../../shared/ingest.ts'
import type { IngestCounts } from '../../shared/metrics.ts'
import { zeroCounts } from '../../shared/records.ts'

/** Applies `f` to every count of `a` and its match in `b` (missing keys read as 0, for beats of an older build). */
export function mapCounts(a: IngestCounts, b: IngestCounts, f: (a: number, b: number) => number): IngestCounts {
  const rejected = {} as Record<RejectReason, number>
  for (const reason of REJECT_REASONS) rejected[reason] = f(a.rejected[reason] ?? 0, b.rejected[reason] ?? 0)
  const flushes = {} as Record<FlushTrigger, number>
  for (const trigger of FLUSH_TRIGGERS) flushes[trigger] = f(a.flushes[trigger] ?? 0, b.flushes[trigger] ?? 0)
  return {
    requestsAccepted: f(a.requestsAccepted, b.requestsAccepted),
    eventsAccepted: f(a.eventsAccepted, b.eventsAccepted),
    bytesAccepted: f(a.bytesAccepted, b.bytesAccepted),
    eventsCommitted: f(a.eventsCommitted, b.eventsCommitted),
    eventsDeadLettered: f(a.eventsDeadLettered, b.eventsDeadLettered),
    rejected,
    dbErrors: f(a.dbErrors, b.dbErrors),
    dbRetries: f(a.dbRetries, b.dbRetries),
    flushes,
  }
}

export function zeroIngestCounts(): IngestCounts {
  return {
    requestsAccepted: 0,
    eventsAccepted: 0,
    bytesAccepted: 0,
    eventsCommitted: 0,
    eventsDeadLettered: 0,
    rejected: zeroCounts(REJECT_REASONS),
    dbErrors: 0,
    dbRetries: 0,
    flushes: zeroCounts(FLUSH_TRIGGERS),
  }
}
