import { describe, expect, it } from 'vitest'
import { REJECT_REASONS } from '../../shared/ingest.ts'
import type { FlushSample, IngestCounts, MetricsSnapshot } from '../../shared/metrics.ts'
import { zeroCounts } from '../../shared/records.ts'
import { currentFigures } from '../../web/src/lib/figures.ts'
import { zeroIngestCounts } from '../../server/fleet/counts.ts'
import { Ring } from '../../web/src/lib/ring.ts'
import { snapshotAt } from '../support/snapshot.ts'

const counts = (changes: Partial<IngestCounts> = {}): IngestCounts => ({ ...zeroIngestCounts(), ...changes })

const snapshot = (seq: number, tick: Partial<IngestCounts> = {}, changes: Partial<MetricsSnapshot> = {}): MetricsSnapshot =>
  snapshotAt(seq, { tick: counts(tick), perSec: counts(), total: counts(), ...changes })

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
