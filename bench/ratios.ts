/** The figures the bench exists for: Sluice against its references, each with its target. */
import type { Ratio, ScenarioRow } from './result.ts'

interface RatioSpec {
  readonly what: string
  readonly numerator: readonly [scenario: string, field: 'requests_per_s' | 'events_per_s']
  readonly denominator: readonly [scenario: string, field: 'requests_per_s' | 'events_per_s']
  readonly target: number
}

const RATIOS: Record<string, RatioSpec> = {
  copy_single_vs_bare_hono: {
    what: 'sluice copy, single-event requests/s ÷ bare Hono requests/s',
    numerator: ['single/sluice-copy', 'requests_per_s'],
    denominator: ['single/bare-hono', 'requests_per_s'],
    target: 0.85,
  },
  copy_single_vs_level0: {
    what: 'sluice copy, single-event requests/s ÷ Level 0 requests/s',
    numerator: ['single/sluice-copy', 'requests_per_s'],
    denominator: ['single/level0', 'requests_per_s'],
    target: 7,
  },
  copy_ndjson_vs_copy_loop: {
    what: 'sluice copy, NDJSON committed events/s ÷ bare COPY loop rows/s',
    numerator: ['ndjson/sluice-copy', 'events_per_s'],
    denominator: ['ndjson/copy-loop', 'events_per_s'],
    target: 0.9,
  },
  sse_single_vs_none: {
    what: 'sluice copy with 10 stream clients, single-event requests/s ÷ the same with none',
    numerator: ['single/sluice-copy+10sse', 'requests_per_s'],
    denominator: ['single/sluice-copy', 'requests_per_s'],
    target: 0.97,
  },
  sse_ndjson_vs_none: {
    what: 'sluice copy with 10 stream clients, NDJSON committed events/s ÷ the same with none',
    numerator: ['ndjson/sluice-copy+10sse', 'events_per_s'],
    denominator: ['ndjson/sluice-copy', 'events_per_s'],
    target: 0.97,
  },
  spool_single_vs_memory: {
    what: 'sluice copy with the spool, single-event committed events/s ÷ the same in memory',
    numerator: ['single/sluice-spool', 'events_per_s'],
    denominator: ['single/sluice-copy', 'events_per_s'],
    target: 0.8,
  },
  spool_ndjson_vs_memory: {
    what: 'sluice copy with the spool, NDJSON committed events/s ÷ the same in memory',
    numerator: ['ndjson/sluice-spool', 'events_per_s'],
    denominator: ['ndjson/sluice-copy', 'events_per_s'],
    target: 0.8,
  },
  // Workers: the same COPY server as one process and as two node:cluster workers, in the
  // same run. The target is for a machine with cores to spare; where PostgreSQL and the
  // load generator share two cores with the workers, expect less (README).
  workers2_single_vs_workers1: {
    what: 'sluice copy with 2 workers, single-event requests/s ÷ the same with 1',
    numerator: ['single/sluice-workers2', 'requests_per_s'],
    denominator: ['single/sluice-workers1', 'requests_per_s'],
    target: 1.5,
  },
  workers2_ndjson_vs_workers1: {
    what: 'sluice copy with 2 workers, NDJSON committed events/s ÷ the same with 1',
    numerator: ['ndjson/sluice-workers2', 'events_per_s'],
    denominator: ['ndjson/sluice-workers1', 'events_per_s'],
    target: 1.5,
  },
  // Overload with admission on; the same with it off is in the overload section beside them.
  single_2x_committed_vs_peak: {
    what: 'single events offered at 2x the peak, admission adaptive: committed events/s ÷ peak committed events/s',
    numerator: ['overload/single-2x-adaptive', 'events_per_s'],
    denominator: ['single/sluice-copy', 'events_per_s'],
    target: 0.9,
  },
  single_4x_committed_vs_peak: {
    what: 'single events offered at 4x the peak, admission adaptive: committed events/s ÷ peak committed events/s',
    numerator: ['overload/single-4x-adaptive', 'events_per_s'],
    denominator: ['single/sluice-copy', 'events_per_s'],
    target: 0.9,
  },
  ndjson_3x_committed_vs_peak: {
    what: 'NDJSON offered at 3x the peak, admission adaptive: committed events/s ÷ peak committed events/s',
    numerator: ['overload/ndjson-3x-adaptive', 'events_per_s'],
    denominator: ['ndjson/sluice-copy', 'events_per_s'],
    target: 0.9,
  },
  ndjson_256c_committed_vs_peak: {
    what: 'NDJSON from 256 greedy connections, admission adaptive: committed events/s ÷ peak committed events/s',
    numerator: ['overload/ndjson-256c-adaptive', 'events_per_s'],
    denominator: ['ndjson/sluice-copy', 'events_per_s'],
    target: 0.9,
  },
}

/** Every ratio whose two scenarios ran; a skipped scenario leaves its ratios out. */
export function ratios(rows: readonly ScenarioRow[]): Record<string, Ratio> {
  const byName = new Map(rows.map((row) => [row.name, row]))
  const out: Record<string, Ratio> = {}
  for (const [key, spec] of Object.entries(RATIOS)) {
    const top = byName.get(spec.numerator[0])?.[spec.numerator[1]]
    const bottom = byName.get(spec.denominator[0])?.[spec.denominator[1]]
    if (top === undefined || bottom === undefined) continue
    const value = top !== null && bottom ? Math.round((top / bottom) * 1000) / 1000 : null
    out[key] = { value, target: spec.target, met: value !== null && value >= spec.target, what: spec.what }
  }
  return out
}
