import { describe, expect, it } from 'vitest'
import { FLUSH_TRIGGERS, REJECT_REASONS } from '../../shared/ingest.ts'
import type { FlushSample, IngestCounts, MetricsSnapshot } from '../../shared/metrics.ts'
import { zeroCounts } from '../../shared/records.ts'
import { currentFigures } from '../../web/src/lib/figures.ts'
import { Ring } from '../../web/src/lib/ring.ts'

const TICK_MS = 250

const counts = (changes: Partial<IngestCounts> = {}): IngestCounts => ({
  requestsAccepted: 0, eventsAccepted: 0, bytesAccepted: 0, eventsCommitted: 0, eventsDeadLettered: 0,
  rejected: zeroCounts(REJECT_REASONS), dbErrors: 0, dbRetries: 0, flushes: zeroCounts(FLUSH_TRIGGERS),
  ...changes,
})

function snapshot(seq: number, tick: Partial<IngestCounts> = {}, changes: Partial<MetricsSnapshot> = {}): MetricsSnapshot {
  return {
    seq, time: seq * TICK_MS, elapsedMs: TICK_MS, lifecycle: 'serving', readiness: { ready: true, reason: null },
    tick: counts(tick), perSec: counts(), total: counts(),
    queue: { events: 0, bytes: 0, capacityEvents: 100, capacityBytes: 1_000, oldestAgeMs: 0 },
    inflight: { requests: 0, bytes: 0 },
    connections: { open: 1 },
    cpu: { server: 0.1, database: null, generator: null },
    spool: null,
    admission: { mode: 'adaptive', shedding: false, shedFraction: 0, delayMs: 1, targetMs: 20, utilization: 0.1, closing: false },
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

const ringOf = (snapshots: MetricsSnapshot[]) => {
  const ring = new Ring<MetricsSnapshot>(100)
  for (const s of snapshots) ring.push(s)
  return ring
}
const flush = (at: number): FlushSample => ({ at, events: 10, bytes: 100, durationMs: 4, trigger: 'interval', retries: 0 })

describe('currentFigures', () => {
  it('is null before the first tick', () => {
    expect(currentFigures(new Ring<MetricsSnapshot>(4), null)).toBeNull()
  })

  it('gives rates over the last second of ticks only', () => {
    const old = Array.from({ length: 4 }, (_, i) => snapshot(i + 1, { eventsAccepted: 1_000, requestsAccepted: 1_000 }))
    const recent = Array.from({ length: 4 }, (_, i) => snapshot(i + 5, { eventsAccepted: 100, eventsCommitted: 50, requestsAccepted: 10 }))
    expect(currentFigures(ringOf([...old, ...recent]), null)).toMatchObject({ eventsPerSec: 400, committedPerSec: 200, requestsPerSec: 40 })
  })

  it('gives rejections per second, in all and by reason, naming only the reasons seen', () => {
    const ticks = Array.from({ length: 4 }, (_, i) => snapshot(i + 1, { rejected: { ...zeroCounts(REJECT_REASONS), queue_full: 5, too_large: i === 0 ? 2 : 0 } }))
    expect(currentFigures(ringOf(ticks), null)).toMatchObject({ rejectedPerSec: 22, rejectedByReason: { queue_full: 20, too_large: 2 } })
    expect(Object.keys(currentFigures(ringOf(ticks), null)!.rejectedByReason).sort()).toEqual(['queue_full', 'too_large'])
  })

  it('reads the queue as the fuller of events and bytes, and the worst p99 lag of the second, never above its max', () => {
    const ticks = [
      snapshot(1, {}, { eventLoop: { delayP50Ms: 1, delayP99Ms: 40, delayMaxMs: 50, utilization: 0.5 } }),
      snapshot(2, {}, { queue: { events: 50, bytes: 900, capacityEvents: 100, capacityBytes: 1_000, oldestAgeMs: 30 } }),
    ]
    expect(currentFigures(ringOf(ticks), null)).toMatchObject({ queueFill: 0.9, queueEvents: 50, oldestAgeMs: 30, lagP99: 40, lagMax: 50 })
  })

  it('carries the last flush the store remembers, however old', () => {
    const ticks = Array.from({ length: 20 }, (_, i) => snapshot(i + 1))
    expect(currentFigures(ringOf(ticks), flush(740))?.lastFlush).toEqual(flush(740))
  })
})
