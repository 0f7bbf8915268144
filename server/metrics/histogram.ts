/**
 * A histogram with fixed upper bounds, cumulative since start, in the shape Prometheus
 * exposes (`_bucket{le}`, `_sum`, `_count`). Observing is a short scan of the bounds.
 */
export class BucketHistogram {
  readonly bounds: readonly number[]
  /** Per bucket, not cumulative; the last one is +Inf. */
  readonly #counts: Float64Array
  sum = 0
  count = 0

  constructor(bounds: readonly number[]) {
    this.bounds = [...bounds].sort((a, b) => a - b)
    this.#counts = new Float64Array(this.bounds.length + 1)
  }

  observe(value: number): void {
    const bounds = this.bounds
    let i = 0
    while (i < bounds.length && value > bounds[i]!) i++
    this.#counts[i]!++
    this.sum += value
    this.count++
  }

  /** Cumulative count at each bound, then at +Inf (which equals `count`). */
  cumulative(): number[] {
    const out: number[] = []
    let running = 0
    for (const n of this.#counts) out.push((running += n))
    return out
  }
}
