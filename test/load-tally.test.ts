import { describe, expect, it } from 'vitest'
import { Tally } from '../server/load/tally.ts'

describe("the generator's tally by class", () => {
  it('keeps accepted and refused latencies apart, and other answers in neither', () => {
    const tally = new Tally({ byClass: true })
    tally.countAnswer('normal', 202, 2_000)
    tally.countAnswer('normal', 429, 300)
    tally.countAnswer('normal', 503, 400)
    tally.countAnswer('normal', 400, 9_000)
    const { accepted, refused } = tally.latencyByClass()!
    expect(accepted).toMatchObject({ count: 1, max: 2 })
    expect(refused).toMatchObject({ count: 2, max: 0.4 })
    expect(tally.latency().count).toBe(4)
    tally.reset()
    expect(tally.latencyByClass()!.refused.count).toBe(0)
    expect(new Tally().latencyByClass()).toBeNull()
  })
})
