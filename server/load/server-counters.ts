import type { Pipeline } from '../pipeline/pipeline.ts'

/** The pipeline's own request counters at one moment. */
export interface CounterSnapshot {
  readonly requestsByStatus: Record<string, number>
  readonly rejectedByReason: Record<string, number>
  readonly eventsAccepted: number
}

export function snapshotCounters(pipeline: Pipeline): CounterSnapshot {
  const stats = pipeline.stats
  return {
    requestsByStatus: Object.fromEntries([...stats.requestsByStatus].map(([status, n]) => [String(status), n])),
    rejectedByReason: { ...stats.rejectedRequests },
    eventsAccepted: stats.eventsAccepted,
  }
}

function delta(after: Record<string, number>, before: Record<string, number>): Record<string, number> {
  const out: Record<string, number> = {}
  for (const [key, n] of Object.entries(after)) {
    const d = n - (before[key] ?? 0)
    if (d !== 0) out[key] = d
  }
  return out
}

/** What the server counted between two snapshots; zero entries left out. */
export function countersSince(before: CounterSnapshot, after: CounterSnapshot): CounterSnapshot {
  return {
    requestsByStatus: delta(after.requestsByStatus, before.requestsByStatus),
    rejectedByReason: delta(after.rejectedByReason, before.rejectedByReason),
    eventsAccepted: after.eventsAccepted - before.eventsAccepted,
  }
}
