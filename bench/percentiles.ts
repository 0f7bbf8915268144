export interface Percentiles {
  readonly p50: number
  readonly p99: number
  readonly count: number
}

/** Nearest-rank p50 and p99 of raw samples (sorts them in place); null when there are none. */
export function percentiles(samples: number[]): Percentiles | null {
  if (samples.length === 0) return null
  samples.sort((a, b) => a - b)
  const at = (q: number) => samples[Math.min(samples.length - 1, Math.floor(q * samples.length))]!
  return { p50: at(0.5), p99: at(0.99), count: samples.length }
}
