import type { LatencyStats } from './bursts.ts'

export type PercentileKey = 'p50' | 'p90' | 'p95' | 'p99' | 'p999'

/** The latency percentiles people read, in order; every view of a run shows the same ones. */
export const PERCENTILES: ReadonlyArray<{ readonly key: PercentileKey; readonly label: string }> = [
  { key: 'p50', label: 'p50' },
  { key: 'p90', label: 'p90' },
  { key: 'p95', label: 'p95' },
  { key: 'p99', label: 'p99' },
  { key: 'p999', label: 'p99.9' },
]

/**
 * Below this many answers p99.9 is the slowest one or two requests, which `max` already
 * says; it is shown only from here on.
 */
export const P999_MIN_COUNT = 1_000

/** A percentile of `stats` in ms, or null when the run has no answer, predates it, or has too few answers for it. */
export function percentileOf(stats: LatencyStats, key: PercentileKey): number | null {
  if (stats.count === 0) return null
  if (key === 'p999' && stats.count < P999_MIN_COUNT) return null
  return stats[key] ?? null
}

/** The percentiles `stats` has, with their values. */
export function percentilesOf(stats: LatencyStats): Array<{ key: PercentileKey; label: string; value: number }> {
  const out: Array<{ key: PercentileKey; label: string; value: number }> = []
  for (const { key, label } of PERCENTILES) {
    const value = percentileOf(stats, key)
    if (value !== null) out.push({ key, label, value })
  }
  return out
}
