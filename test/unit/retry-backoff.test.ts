import { describe, expect, it } from 'vitest'
import { backoffDelay, isTransient } from '../../server/pipeline/retry.ts'

const BACKOFF = { baseMs: 50, capMs: 5_000 }

describe('backoffDelay', () => {
  it('doubles the ceiling with each attempt up to the cap', () => {
    const ceiling = (attempt: number) => backoffDelay(attempt, BACKOFF, () => 1)
    expect([0, 1, 2, 3, 6, 7, 50, 1_000].map(ceiling)).toEqual([50, 100, 200, 400, 3_200, 5_000, 5_000, 5_000])
  })

  it('draws anywhere from zero to the ceiling (full jitter)', () => {
    expect(backoffDelay(3, BACKOFF, () => 0)).toBe(0)
    expect(backoffDelay(3, BACKOFF, () => 0.5)).toBe(200)
    for (let i = 0; i < 200; i++) {
      const delay = backoffDelay(4, BACKOFF)
      expect(delay).toBeGreaterThanOrEqual(0)
      expect(delay).toBeLessThanOrEqual(800)
    }
  })
})

describe('isTransient', () => {
  it.each([
    ['a lost connection (no SQLSTATE)', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }), true],
    ['the database shutting down (57P01)', { code: '57P01' }, true],
    ['too many connections (53300)', { code: '53300' }, true],
    ['anything thrown without a code', new Error('boom'), true],
    ['bad data (22P02)', { code: '22P02' }, false],
    ['a constraint violation (23505)', { code: '23505' }, false],
  ])('%s: %s', (_name, error, transient) => {
    expect(isTransient(error)).toBe(transient)
  })
})
