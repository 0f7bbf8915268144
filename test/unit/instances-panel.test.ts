import { describe, expect, it } from 'vitest'
import { FLUSH_TRIGGERS, REJECT_REASONS } from '../../shared/ingest.ts'
import type { IngestCounts, InstanceSnapshot, MetricsSnapshot } from '../../shared/metrics.ts'
import { zeroCounts } from '../../shared/records.ts'
import { instanceRows } from '../../web/src/lib/instances.ts'
import { Ring } from '../../web/src/lib/ring.ts'
import { buildFrame } from '../../web/src/lib/series.ts'

const TICK_MS = 250

const counts = (changes: Partial<IngestCounts> = {}): IngestCounts => ({
  requestsAccepted: 0, eventsAccepted: 0, bytesAccepted: 0, eventsCommitted: 0, eventsDeadLettered: 0,
  rejected: zeroCounts(REJECT_REASONS), dbErrors: 0, dbRetries: 0, flushes: zeroCounts(FLUSH_TRIGGERS),
  ...changes,
})

function instance(id: string, events: number, changes: Partial<InstanceSnapshot> = {}): InstanceSnapshot {
  return {
    id, pid: id.length * 100, lifecycle: 'serving', seenAt: 0,
    perSec: counts({ requestsAccepted: 40, rejected: { ...zeroCounts(REJECT_REASONS), queue_full: 2 } }),
    queue: { events, bytes: 0, capacityEvents: 1_000, capacityBytes: 1_000_000, oldestAgeMs: 0 },
    inflight: { requests: 0, bytes: 0 },
    eventLoop: { delayP50Ms: 1, delayP99Ms: events / 10, delayMaxMs: 9, utilization: 0.2 },
    memory: { rssBytes: 100 * 1024 * 1024, heapUsedBytes: 0, heapTotalBytes: 0, externalBytes: 0 },
    diagnosis: { bottleneck: 'none', detail: '' },
    ...changes,
  }
}

function snapshot(seq: number, instances: InstanceSnapshot[]): MetricsSnapshot {
  return {
    seq, time: seq * TICK_MS, elapsedMs: TICK_MS, lifecycle: 'serving', readiness: { ready: true, reason: null },
    tick: counts(), perSec: counts(), total: counts(),
    queue: { events: 0, bytes: 0, capacityEvents: 2_000, capacityBytes: 2_000_000, oldestAgeMs: 0 },
    inflight: { requests: 0, bytes: 0 }, connections: { open: 0 }, cpu: { server: 0, database: null, generator: null }, spool: null,
    admission: { mode: 'off', shedding: false, shedFraction: 0, delayMs: 0, targetMs: 0, utilization: 0, closing: false, held: false },
    diagnosis: { bottleneck: 'none', detail: '' }, flushes: [], writer: { strategy: 'copy', state: 'idle' },
    memory: { rssBytes: 0, heapUsedBytes: 0, heapTotalBytes: 0, externalBytes: 0 },
    eventLoop: { delayP50Ms: 0, delayP99Ms: 0, delayMaxMs: 0, utilization: 0 },
    requestLatency: { count: 0, p50Ms: null, p99Ms: null }, sse: { clients: 1, bufferedBytes: 0, droppedTotal: 0 },
    instances,
  }
}

const frameOf = (snapshots: MetricsSnapshot[]) => {
  const ring = new Ring<MetricsSnapshot>(100)
  for (const s of snapshots) ring.push(s)
  return buildFrame(ring, new Ring(10), { from: 0, to: snapshots.length * TICK_MS }, TICK_MS, TICK_MS, 300)
}

describe('the Instances panel', () => {
  it('lists nothing for a lone instance, so the dashboard looks as before', () => {
    expect(instanceRows(snapshot(1, [instance('a', 10)]))).toEqual([])
    expect(instanceRows(undefined)).toEqual([])
  })

  it('lists each instance with its request rate, queue fill, loop p99 and RSS, and marks a gone one', () => {
    const rows = instanceRows(snapshot(1, [instance('a', 100), instance('bb', 500, { lifecycle: 'gone', diagnosis: undefined })]))
    expect(rows).toEqual([
      { id: 'a', pid: 100, state: 'serving', gone: false, requestsPerSec: 42, queueFill: 0.1, loopP99Ms: 10, rssBytes: 100 * 1024 * 1024, bottleneck: null },
      { id: 'bb', pid: 200, state: 'gone', gone: true, requestsPerSec: 42, queueFill: 0.5, loopP99Ms: 50, rssBytes: 100 * 1024 * 1024, bottleneck: null },
    ])
  })
})

describe('one line per instance', () => {
  it('is drawn only when two or more instances were live at once', () => {
    expect(frameOf([snapshot(1, [instance('a', 10)]), snapshot(2, [instance('a', 20)])]).instanceIds).toEqual([])
    // A gone one beside a live one is not a fleet to draw.
    expect(frameOf([snapshot(1, [instance('a', 10), instance('b', 5, { lifecycle: 'gone' })])]).instanceIds).toEqual([])
  })

  it('gives each instance its queue fill and loop p99 per point, and a gap once it is gone', () => {
    const frame = frameOf([
      snapshot(1, [instance('a', 100), instance('b', 300)]),
      snapshot(2, [instance('a', 200), instance('b', 300, { lifecycle: 'gone' })]),
    ])
    expect(frame.instanceIds).toEqual(['a', 'b'])
    const r = (v: number | null | undefined) => (v == null ? null : Math.round(v * 1000) / 1000)
    expect(frame.rows.map((row) => [r(row.iq_0), r(row.iq_1), r(row.il_0), r(row.il_1)])).toEqual([
      [10, 30, 10, 30],
      [20, null, 20, null],
    ])
  })
})
