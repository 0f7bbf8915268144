import type { MetricsSnapshot } from '../../shared/metrics.ts'
import { zeroIngestCounts } from '../../server/fleet/counts.ts'

export const TICK_MS = 250

/** A metrics snapshot of an idle server at tick `seq`, with `changes` laid over it: for tests of what reads snapshots. */
export function snapshotAt(seq: number, changes: Partial<MetricsSnapshot> = {}): MetricsSnapshot {
  return {
    seq, time: seq * TICK_MS, elapsedMs: TICK_MS, lifecycle: 'serving', readiness: { ready: true, reason: null },
    tick: zeroIngestCounts(), perSec: zeroIngestCounts(), total: zeroIngestCounts(),
    queue: { events: 0, bytes: 0, capacityEvents: 100, capacityBytes: 1_000, oldestAgeMs: 0 },
    inflight: { requests: 0, bytes: 0 },
    connections: { open: 1 },
    cpu: { server: 0.1, database: null, generator: null },
    spool: null,
    admission: { mode: 'adaptive', shedding: false, shedFraction: 0, delayMs: 1, targetMs: 20, utilization: 0.1, closing: false, held: false },
    diagnosis: { bottleneck: 'none', detail: 'idle' },
    flushes: [],
    writer: { strategy: 'copy', state: 'idle' },
    memory: { rssBytes: 0, heapUsedBytes: 0, heapTotalBytes: 0, externalBytes: 0 },
    eventLoop: { delayP50Ms: 1, delayP99Ms: 2, delayMaxMs: 3, utilization: 0.1 },
    requestLatency: { count: 0, p50Ms: null, p99Ms: null },
    sse: { clients: 1, bufferedBytes: 0, droppedTotal: 0 },
    instances: [],
    ...changes,
  }
}
