import { describe, expect, it } from 'vitest'
import type { SpoolSnapshot } from '../../shared/metrics.ts'
import { spoolFigures } from '../../web/src/lib/spool-figures.ts'

const spool: SpoolSnapshot = {
  bytes: 3 * 1024 * 1024,
  maxBytes: 1024 * 1024 * 1024,
  segments: 2,
  oldestUnwrittenAgeMs: 180,
  fsyncsTotal: 900,
  eventsSyncedTotal: 36_000,
  fsyncsPerSec: 150,
  eventsPerFsync: 42.4,
  fsyncP99Ms: 2.5,
  replayedAtStart: 12_345,
  tornRecordsCut: 0,
  refusing: null,
}

describe('the Spool panel\'s figures', () => {
  it('are none in memory mode, so the panel is not drawn', () => {
    expect(spoolFigures(null, 1234)).toEqual([])
    expect(spoolFigures(undefined, null)).toEqual([])
  })

  it('show size, segments, oldest unwritten age, fsyncs/s, events per fsync, fsync p99, the replay and the pid', () => {
    const figures = Object.fromEntries(spoolFigures(spool, 4321).map((f) => [f.key, f.text]))
    expect(figures).toEqual({
      bytes: '3.0 MB of 1.0 GB',
      segments: '2',
      'oldest-unwritten-ms': '180 ms',
      'fsyncs-per-sec': '150',
      'events-per-fsync': '42',
      'fsync-p99-ms': '2.50 ms',
      // Exact: the crash lesson compares it with the table's row count.
      replayed: '12,345 events',
      pid: '4321',
    })
  })

  it('say when nothing waits, before the first fsync, and what a start cut or a refusal means', () => {
    const figures = Object.fromEntries(spoolFigures({ ...spool, oldestUnwrittenAgeMs: 0, fsyncsPerSec: 0, eventsPerFsync: 0, fsyncP99Ms: null, tornRecordsCut: 1, refusing: 'spool full' }, null).map((f) => [f.key, f.text]))
    expect(figures).toMatchObject({ 'oldest-unwritten-ms': 'none', 'events-per-fsync': '–', 'fsync-p99-ms': '–', torn: '1', refusing: 'spool full' })
    expect(figures.pid).toBeUndefined()
  })
})
