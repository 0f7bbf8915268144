import { describe, expect, test } from 'vitest'
import type { IngestCounts, MetricsSnapshot } from '../../shared/metrics.ts'
import type { Beat } from '../../server/fleet/beat.ts'
import { zeroIngestCounts } from '../../server/fleet/counts.ts'
import { FleetView, GONE_AFTER_MS, GONE_SHOWN_MS, type PeerRow } from '../../server/fleet/merge.ts'
import { snapshotAt, TICK_MS } from '../support/snapshot.ts'
import { addSparse, bucketOf, LOG_BUCKETS, LogHistogram, quantileMs, sparseDelta } from '../../server/metrics/log-histogram.ts'

const counts = (events: number, committed = events): IngestCounts => ({ ...zeroIngestCounts(), requestsAccepted: events, eventsAccepted: events, eventsCommitted: committed })

function local(seq: number, total: IngestCounts, tick: IngestCounts, changes: Partial<MetricsSnapshot> = {}): MetricsSnapshot {
  return snapshotAt(seq, {
    tick, perSec: counts(tick.eventsAccepted * 4), total,
    queue: { events: 10, bytes: 100, capacityEvents: 1_000, capacityBytes: 10_000, oldestAgeMs: 5 },
    inflight: { requests: 1, bytes: 10 },
    connections: { open: 2 },
    cpu: { server: 0.1, database: 0.2, generator: null },
    diagnosis: { bottleneck: 'none', detail: 'local' },
    memory: { rssBytes: 100, heapUsedBytes: 50, heapTotalBytes: 60, externalBytes: 1 },
    requestLatency: { count: 3, p50Ms: 1.5, p99Ms: 2.5 },
    ...changes,
  })
}

function beat(n: number, total: IngestCounts, changes: Partial<Beat> = {}): Beat {
  return {
    pid: 4242, startedAt: 1_000, beat: n, intervalMs: 1_000, lifecycle: 'serving', total, perSec: total,
    queue: { events: 30, bytes: 300, capacityEvents: 1_000, capacityBytes: 10_000, oldestAgeMs: 50 },
    inflight: { requests: 2, bytes: 20 },
    connections: { open: 3 },
    eventLoop: { delayP50Ms: 4, delayP99Ms: 40, delayMaxMs: 45, utilization: 0.5 },
    memory: { rssBytes: 1_000, heapUsedBytes: 500, heapTotalBytes: 600, externalBytes: 10 },
    cpu: { server: 0.4, database: 0.2, generator: null },
    admission: { mode: 'adaptive', shedding: false, shedFraction: 0, delayMs: 1, targetMs: 20, utilization: 0.1, closing: false, held: false },
    writer: { strategy: 'copy', state: 'writing' },
    diagnosis: { bottleneck: 'none', detail: 'peer' },
    latency: [],
    flushes: [],
    ...changes,
  }
}

const row = (b: Beat, ageMs = 10, id = 'b'): PeerRow => ({ id, ageMs, beat: b })

describe('merged histograms', () => {
  test('the merged p99 comes from the summed buckets, not the average of the two p99s', () => {
    const fast = new LogHistogram()
    const slow = new LogHistogram()
    for (let i = 0; i < 900; i++) fast.observe(1)
    for (let i = 0; i < 100; i++) slow.observe(100)
    const merged = new Float64Array(LOG_BUCKETS)
    addSparse(merged, sparseDelta(fast.counts))
    addSparse(merged, sparseDelta(slow.counts))
    // 10 % of the requests took 100 ms: the fleet's p99 is theirs (the mean of p99s would say ~50 ms).
    // Within one bucket (19 %) of the true values, 100 ms and 1 ms.
    expect(Math.abs(quantileMs(merged, 0.99)! - 100) / 100).toBeLessThan(0.19)
    expect(Math.abs(quantileMs(merged, 0.5)! - 1) / 1).toBeLessThan(0.19)
  })

  test('a percentile read from the buckets is within one bucket (19 %) of the exact one', () => {
    const h = new LogHistogram()
    for (let ms = 1; ms <= 1_000; ms++) h.observe(ms)
    expect(Math.abs(quantileMs(h.counts, 0.5)! - 500) / 500).toBeLessThan(0.19)
    expect(Math.abs(quantileMs(h.counts, 0.99)! - 990) / 990).toBeLessThan(0.19)
    expect(quantileMs(new Float64Array(LOG_BUCKETS), 0.5)).toBeNull()
  })

  test('a value lands in the bucket whose bounds hold it', () => {
    for (const ms of [0.0005, 0.001, 0.0123, 1, 2, 7.3, 49.9, 50, 1234]) {
      const i = bucketOf(ms)
      expect(ms * 1000).toBeLessThanOrEqual(2 ** (i / 4) * (1 + 1e-9))
      if (i > 0) expect(ms * 1000).toBeGreaterThan(2 ** ((i - 1) / 4))
    }
  })
})

describe('the fleet view', () => {
  test('alone, the snapshot is this instance\'s own, with itself as the one instance', () => {
    const view = new FleetView({ id: 'a', pid: 1 })
    view.observe([], 0)
    const own = local(1, counts(10), counts(10))
    const merged = view.merge(own, undefined, 0)
    expect({ ...merged, instances: [] }).toEqual(own)
    expect(merged.instances.map((i) => [i.id, i.pid, i.lifecycle])).toEqual([['a', 1, 'serving']])
  })

  test('a peer\'s counts are spread over the next ticks, summed with ours, and add up to its totals', () => {
    const view = new FleetView({ id: 'a', pid: 1 })
    view.observe([row(beat(1, counts(100)))], 0)
    // Present when the view began: in the totals, not in any tick.
    let merged = view.merge(local(1, counts(0), counts(0)), undefined, 0)
    expect(merged.total.eventsAccepted).toBe(100)
    expect(merged.tick.eventsAccepted).toBe(0)

    view.observe([row(beat(2, counts(1_100)))], 10)
    const ticks: number[] = []
    for (let i = 0; i < 5; i++) {
      merged = view.merge(local(2 + i, counts(0), counts(0)), undefined, 10 + i * TICK_MS)
      ticks.push(merged.tick.eventsAccepted)
    }
    expect(ticks.reduce((a, b) => a + b, 0)).toBe(1_000)
    // Even, not 1000 in one tick and nothing in the next three.
    expect(Math.max(...ticks)).toBeLessThanOrEqual(250)
    expect(merged.total.eventsAccepted).toBe(1_100)
    expect(merged.queue.events).toBe(10 + 30)
    expect(merged.queue.capacityEvents).toBe(2_000)
    expect(merged.memory.rssBytes).toBe(1_100)
    expect(merged.eventLoop.delayP99Ms).toBe(40)
    expect(merged.writer.state).toBe('writing')
    expect(merged.instances.map((i) => [i.id, i.lifecycle])).toEqual([['a', 'serving'], ['b', 'serving']])
  })

  test('a peer that stops heartbeating is gone after three seconds, is dropped a minute later, and its counts stay in the totals', () => {
    const view = new FleetView({ id: 'a', pid: 1 })
    view.observe([], 0)
    view.observe([row(beat(1, counts(40)))], 100)
    let merged = view.merge(local(1, counts(5), counts(5)), undefined, 100)
    const before = merged.total.eventsAccepted
    merged = view.merge(local(2, counts(5), counts(0)), undefined, 100 + GONE_AFTER_MS + 1)
    expect(merged.instances[1]!.lifecycle).toBe('gone')
    expect(merged.total.eventsAccepted).toBe(45)
    expect(merged.total.eventsAccepted).toBeGreaterThanOrEqual(before)
    // Gone instances add nothing to the gauges.
    expect(merged.queue.events).toBe(10)
    merged = view.merge(local(3, counts(5), counts(0)), undefined, 100 + GONE_SHOWN_MS + 1)
    expect(merged.instances.map((i) => i.id)).toEqual(['a'])
    expect(merged.total.eventsAccepted).toBe(45)
    // Its row is still in the table for a while: read again, it is not counted twice.
    view.observe([row(beat(1, counts(40)), GONE_SHOWN_MS + 1)], 100 + GONE_SHOWN_MS + 2)
    merged = view.merge(local(4, counts(5), counts(0)), undefined, 100 + GONE_SHOWN_MS + 2)
    expect(merged.total.eventsAccepted).toBe(45)
  })

  test('a restarted peer (same id, counters from zero) does not take the totals back', () => {
    const view = new FleetView({ id: 'a', pid: 1 })
    view.observe([row(beat(1, counts(500)))], 0)
    expect(view.merge(local(1, counts(0), counts(0)), undefined, 0).total.eventsAccepted).toBe(500)
    view.observe([row(beat(1, counts(20), { pid: 4343, startedAt: 9_000 }))], 1_000)
    let total = 0
    for (let i = 0; i < 6; i++) {
      const merged = view.merge(local(2 + i, counts(0), counts(0)), undefined, 1_000 + i * TICK_MS)
      expect(merged.total.eventsAccepted).toBeGreaterThanOrEqual(total)
      total = merged.total.eventsAccepted
    }
    expect(total).toBe(520)
  })

  test('one already gone when the view began is shown, not counted', () => {
    const view = new FleetView({ id: 'a', pid: 1 })
    view.observe([row(beat(9, counts(700), { lifecycle: 'gone' }))], 0)
    const merged = view.merge(local(1, counts(3), counts(3)), undefined, 0)
    expect(merged.total.eventsAccepted).toBe(3)
    expect(merged.instances.map((i) => [i.id, i.lifecycle])).toEqual([['a', 'serving'], ['b', 'gone']])
  })

  test('request latency with a peer is read from the merged buckets', () => {
    const ours = new LogHistogram()
    const view = new FleetView({ id: 'a', pid: 1 })
    view.observe([], 0)
    view.merge(local(1, counts(0), counts(0)), ours.counts, 0)
    for (let i = 0; i < 90; i++) ours.observe(1)
    const theirs = new LogHistogram()
    for (let i = 0; i < 40; i++) theirs.observe(200)
    view.observe([row(beat(1, counts(0)))], 1)
    view.observe([row(beat(2, counts(0), { latency: sparseDelta(theirs.counts), intervalMs: TICK_MS }))], 2)
    const merged = view.merge(local(2, counts(0), counts(0), { requestLatency: { count: 90, p50Ms: 1, p99Ms: 1 } }), ours.counts, 3)
    expect(merged.requestLatency.count).toBe(130)
    expect(Math.abs(merged.requestLatency.p50Ms! - 1)).toBeLessThan(0.19)
    expect(Math.abs(merged.requestLatency.p99Ms! - 200) / 200).toBeLessThan(0.19)
  })
})
