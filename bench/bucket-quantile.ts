/**
 * A quantile from Prometheus histogram buckets, the way `histogram_quantile()` computes
 * it: find the bucket holding the rank, then interpolate linearly inside it (the first
 * bucket starts at 0). The answer is only as fine as the buckets around it.
 */

export interface BucketCounts {
  /** Upper bounds (`le`), ascending, +Inf left out. */
  readonly bounds: readonly number[]
  /** Cumulative count at each bound, then at +Inf (the total). */
  readonly cumulative: readonly number[]
}

export interface BucketQuantile {
  readonly value: number
  /** The rank fell past the last finite bound: the value is that bound, and the truth is above it. */
  readonly beyondLast: boolean
}

/** `to` minus `from`, bucket by bucket: the counts of a window between two scrapes. */
export function bucketDelta(from: BucketCounts, to: BucketCounts): BucketCounts {
  if (from.bounds.join() !== to.bounds.join()) throw new Error('bucket bounds differ between the two readings')
  return { bounds: to.bounds, cumulative: to.cumulative.map((n, i) => n - (from.cumulative[i] ?? 0)) }
}

/** The `q` quantile (0..1), or null with nothing counted. */
export function bucketQuantile({ bounds, cumulative }: BucketCounts, q: number): BucketQuantile | null {
  const total = cumulative[bounds.length] ?? 0
  if (total <= 0) return null
  const rank = q * total
  for (let i = 0; i < bounds.length; i++) {
    const count = cumulative[i]!
    const below = i === 0 ? 0 : cumulative[i - 1]!
    // An empty bucket holds no rank (only q = 0 could stop on one).
    if (count < rank || count === below) continue
    const lower = i === 0 ? 0 : bounds[i - 1]!
    const upper = bounds[i]!
    return { value: lower + ((upper - lower) * (rank - below)) / (count - below), beyondLast: false }
  }
  return { value: bounds[bounds.length - 1] ?? Number.NaN, beyondLast: true }
}
