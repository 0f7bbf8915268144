import { describe, expect, it } from 'vitest'
import { bucketDelta, bucketQuantile } from '../bench/bucket-quantile.ts'

// Bounds 1, 2, 5 (+Inf); cumulative counts 10, 60, 100, 100: 10 in (0,1], 50 in (1,2], 40 in (2,5].
const counts = { bounds: [1, 2, 5], cumulative: [10, 60, 100, 100] }

describe('a quantile from histogram buckets', () => {
  it('interpolates linearly inside the bucket that holds the rank', () => {
    // Rank 50 is the 40th of the 50 samples in (1, 2]: 1 + 40/50.
    expect(bucketQuantile(counts, 0.5)).toEqual({ value: 1.8, beyondLast: false })
    // Rank 99 is the 39th of the 40 in (2, 5]: 2 + 3 × 39/40.
    expect(bucketQuantile(counts, 0.99)!.value).toBeCloseTo(4.925, 9)
  })

  it('starts the first bucket at zero and passes over empty buckets', () => {
    expect(bucketQuantile(counts, 0.05)!.value).toBeCloseTo(0.5, 9)
    const gap = { bounds: [1, 2, 5], cumulative: [0, 0, 4, 4] }
    expect(bucketQuantile(gap, 0.5)!.value).toBeCloseTo(3.5, 9)
  })

  it('says when the rank lies past the last finite bound, and gives nothing for no samples', () => {
    expect(bucketQuantile({ bounds: [1, 2, 5], cumulative: [10, 60, 90, 100] }, 0.99)).toEqual({ value: 5, beyondLast: true })
    expect(bucketQuantile({ bounds: [1, 2, 5], cumulative: [0, 0, 0, 0] }, 0.99)).toBeNull()
  })

  it('takes a window as the difference of two readings since start', () => {
    const later = { bounds: [1, 2, 5], cumulative: [10, 160, 200, 210] }
    // In the window: 0 in (0,1], 100 in (1,2], 0 in (2,5], 10 beyond 5.
    expect(bucketDelta(counts, later).cumulative).toEqual([0, 100, 100, 110])
    expect(bucketQuantile(bucketDelta(counts, later), 0.5)!.value).toBeCloseTo(1.55, 9)
    expect(() => bucketDelta(counts, { bounds: [1, 5], cumulative: [1, 2, 2] })).toThrow(/bounds differ/)
  })
})
