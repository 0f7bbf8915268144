/**
 * What an overload scenario with admission on must reach: committed events at 0.9x the
 * peak and RSS within 256 MB under any overload; for single events past the CPU's knee,
 * also fast answers both ways and a responsive event loop. Rows with admission off are
 * the comparison, not held to these.
 */
import type { OverloadFigures, ScenarioRow } from './result.ts'

export interface TargetCheck {
  readonly what: string
  readonly value: number | null
  readonly limit: number
  /** true: value >= limit; false: value <= limit. */
  readonly atLeast: boolean
  readonly met: boolean
}

interface Target {
  readonly what: string
  readonly limit: number
  readonly atLeast: boolean
  /** Single-event scenarios only: their limit is the server's own CPU. */
  readonly singleOnly: boolean
  /** Null: no figure (e.g. nothing accepted). `skipIfNone`: nothing to judge, no check. */
  readonly read: (figures: OverloadFigures, row: ScenarioRow) => number | null
  readonly skipIfNone?: boolean
}

const TARGETS: readonly Target[] = [
  { what: 'committed x peak', limit: 0.9, atLeast: true, singleOnly: false, read: (f) => f.committed_vs_peak },
  { what: 'peak RSS MB', limit: 256, atLeast: false, singleOnly: false, read: (_, row) => row.peak_rss_mb },
  { what: 'accepted p99 ms (client, intended send)', limit: 100, atLeast: false, singleOnly: true, read: (f) => (f.client_accepted_ms.count > 0 ? f.client_accepted_ms.p99 : null) },
  { what: 'accepted p99 ms (server)', limit: 50, atLeast: false, singleOnly: true, read: (f) => f.server_accepted_ms.p99 },
  // Client side, like every latency the targets name: what a refused client waited.
  { what: 'refusals p99 ms (client, intended send)', limit: 5, atLeast: false, singleOnly: true, read: (f) => (f.client_refused_ms.count > 0 ? f.client_refused_ms.p99 : null), skipIfNone: true },
  { what: 'event-loop p99 ms', limit: 50, atLeast: false, singleOnly: true, read: (f) => f.loop_delay_p99_ms },
]

/** The checks of one overload row with admission on; none for other rows. */
export function overloadTargets(row: ScenarioRow): TargetCheck[] {
  const figures = row.detail.overload
  if (!figures || figures.admission === 'off') return []
  const single = row.detail.events_per_request === 1
  const checks: TargetCheck[] = []
  for (const target of TARGETS) {
    if (target.singleOnly && !single) continue
    const value = target.read(figures, row)
    if (value === null && target.skipIfNone) continue
    const met = value !== null && (target.atLeast ? value >= target.limit : value <= target.limit)
    checks.push({ what: target.what, value, limit: target.limit, atLeast: target.atLeast, met })
  }
  return checks
}
