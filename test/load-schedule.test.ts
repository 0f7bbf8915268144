import { describe, expect, it } from 'vitest'
import type { BurstSpec, RequestKind } from '../shared/bursts.ts'
import { requestMix } from '../server/load/mix.ts'
import { arrivals, arrivalsOf, levelAt } from '../server/load/shape.ts'

const body = { eventsPerRequest: 1, eventBytes: 100, format: 'json' } as const

describe('open-model schedule', () => {
  it('asks for exactly rate × duration sends, evenly spaced, from t = 0', () => {
    const times = [...arrivals({ kind: 'steady', level: 150 }, 2_000)]
    expect(times.length).toBe(300)
    expect(times[0]).toBe(0)
    expect(times[1]).toBeCloseTo(1000 / 150, 6)
    expect(times.at(-1)!).toBeLessThan(2_000)
  })

  it('starts a new schedule where a level set by hand takes over: its first send one interval later', () => {
    // 100/s from 500 ms on: 50 sends in the half second left, the first at 510 ms.
    const times = [...arrivalsOf(() => 100, 1_000, 500)]
    expect(times.length).toBe(50)
    expect(times[0]).toBeCloseTo(510, 3)
    expect(times.every((t) => t >= 500 && t < 1_000)).toBe(true)
    expect([...arrivalsOf(() => 0, 1_000, 500)]).toEqual([])
  })

  it('follows a ramp from zero and a spike', () => {
    const ramp = [...arrivals({ kind: 'ramp', from: 0, to: 1_000 }, 1_000)]
    // The integral of a 0 → 1000/s ramp over 1 s is 500 sends, most of them late in the run.
    expect(ramp.length).toBeGreaterThanOrEqual(499)
    expect(ramp.length).toBeLessThanOrEqual(501)
    expect(ramp.filter((t) => t >= 500).length).toBeGreaterThan(ramp.length * 0.7)
    const spike = [...arrivals({ kind: 'spike', base: 10, peak: 1_000, atMs: 500, forMs: 100 }, 1_000)]
    expect(spike.filter((t) => t >= 500 && t < 600).length).toBe(100)
    expect(spike.length).toBe(109)
  })

  it('spends an equal share of the duration at each step', () => {
    const shape = { kind: 'step', levels: [10, 100, 1000] } as const
    expect([0, 333, 334, 666, 667, 999].map((t) => levelAt(shape, t, 1_000))).toEqual([10, 10, 100, 100, 1000, 1000])
  })
})

describe('bad-traffic mix', () => {
  it('meets every share within one request at any point, spread out', () => {
    const spec: BurstSpec = { model: 'open', shape: { kind: 'steady', level: 1 }, durationMs: 1_000, body, bad: { malformed: 0.1, disconnect: 0.25, oversized_1mb: 0.05 } }
    const next = requestMix(spec)
    const seen: Partial<Record<RequestKind, number>> = {}
    for (let n = 1; n <= 400; n++) {
      const kind = next()
      seen[kind] = (seen[kind] ?? 0) + 1
      for (const [k, share] of Object.entries({ normal: 0.6, ...spec.bad })) {
        expect(Math.abs((seen[k as RequestKind] ?? 0) - share * n)).toBeLessThanOrEqual(1)
      }
    }
  })
})
