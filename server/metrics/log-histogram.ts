/**
 * Request latency in log-spaced buckets, cumulative since start, so that histograms from
 * several instances can be added and a percentile read from the sum (an average of
 * percentiles is not a percentile). Four buckets per doubling: each is 19 % wide, so a
 * percentile interpolated inside its bucket is off by at most that, against the native
 * HDR histogram the single-instance snapshot keeps using. 1 µs to 2^28 µs (4.5 min) in
 * 113 buckets: a copy is 900 bytes, a heartbeat sends only the non-empty ones.
 */
export const PER_DOUBLING = 4
const TOP_EXPONENT = 28
export const LOG_BUCKETS = TOP_EXPONENT * PER_DOUBLING + 1

/** Bucket `i` holds values in (2^((i-1)/4), 2^(i/4)] µs; bucket 0 holds up to 1 µs. */
export function bucketOf(ms: number): number {
  const micros = ms * 1000
  if (!(micros > 1)) return 0
  return Math.min(LOG_BUCKETS - 1, Math.ceil(Math.log2(micros) * PER_DOUBLING - 1e-9))
}

const upperMs = (i: number) => 2 ** (i / PER_DOUBLING) / 1000
const lowerMs = (i: number) => (i === 0 ? 0 : upperMs(i - 1))

export class LogHistogram {
  readonly counts = new Float64Array(LOG_BUCKETS)

  observe(ms: number): void {
    this.counts[bucketOf(ms)]!++
  }
}

/** Sparse form for the wire: [bucket, count] pairs of `counts - before`, non-empty only. */
export function sparseDelta(counts: ArrayLike<number>, before?: ArrayLike<number>): Array<[number, number]> {
  const out: Array<[number, number]> = []
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i]! - (before?.[i] ?? 0)
    if (n > 0) out.push([i, n])
  }
  return out
}

/** Adds `pairs` × `weight` into `into`. */
export function addSparse(into: Float64Array, pairs: ReadonlyArray<readonly [number, number]>, weight = 1): void {
  for (const [i, n] of pairs) if (i >= 0 && i < into.length) into[i]! += n * weight
}

/**
 * The value below which `q` (0..1) of the recorded values lie, in ms, interpolated
 * linearly inside its bucket as Prometheus' histogram_quantile does; null when empty.
 */
export function quantileMs(counts: ArrayLike<number>, q: number): number | null {
  let total = 0
  for (let i = 0; i < counts.length; i++) total += counts[i]!
  if (total <= 0) return null
  const rank = q * total
  let below = 0
  for (let i = 0; i < counts.length; i++) {
    const n = counts[i]!
    if (n > 0 && below + n >= rank) {
      const lower = lowerMs(i)
      return Math.round((lower + (upperMs(i) - lower) * ((rank - below) / n)) * 1000) / 1000
    }
    below += n
  }
  return upperMs(counts.length - 1)
}
