import type { IngestCounts } from '../../shared/metrics.ts'
import { mapCounts } from '../metrics/counts.ts'

export { mapCounts, zeroIngestCounts } from '../metrics/counts.ts'

export const addCounts = (a: IngestCounts, b: IngestCounts) => mapCounts(a, b, (x, y) => x + y)
/** Never below zero: a counter that went back belongs to a restarted process, handled by the caller. */
export const subtractCounts = (a: IngestCounts, b: IngestCounts) => mapCounts(a, b, (x, y) => Math.max(0, x - y))

/** `counts` over `ms`, per second, to 0.01 as the sampler rounds them. */
export function perSecond(counts: IngestCounts, ms: number): IngestCounts {
  const factor = 1000 / Math.max(ms, 0.001)
  return mapCounts(counts, counts, (x) => Math.round(x * factor * 100) / 100)
}

/** `counts` × `fraction`, each rounded to a whole count. */
export const scaleCounts = (counts: IngestCounts, fraction: number) => mapCounts(counts, counts, (x) => Math.round(x * fraction))

export function isZero(counts: IngestCounts): boolean {
  let zero = true
  mapCounts(counts, counts, (x) => {
    if (x !== 0) zero = false
    return x
  })
  return zero
}
