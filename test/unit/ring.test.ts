import { describe, expect, it } from 'vitest'
import { Ring } from '../../web/src/lib/ring.ts'

describe('Ring', () => {
  it('keeps the newest `capacity` items, oldest first', () => {
    const ring = new Ring<number>(3)
    for (let n = 1; n <= 5; n++) ring.push(n)
    expect([ring.size, ring.toArray(), ring.at(0), ring.last()]).toEqual([3, [3, 4, 5], 3, 5])
    expect([ring.at(-1), ring.at(3)]).toEqual([undefined, undefined])
  })

  it('finds the first item at or after a key by binary search, across the wrap', () => {
    const ring = new Ring<{ t: number }>(5)
    for (const t of [10, 20, 30, 40, 50, 60, 70]) ring.push({ t })
    const at = (value: number) => ring.lowerBound((item) => item.t, value)
    expect([at(0), at(30), at(31), at(70), at(71)]).toEqual([0, 0, 1, 4, 5])
  })

  it('empties on clear and refuses a capacity that is not a positive integer', () => {
    const ring = new Ring<number>(2)
    ring.push(1)
    ring.clear()
    expect([ring.size, ring.last(), ring.toArray()]).toEqual([0, undefined, []])
    expect(() => new Ring(0)).toThrow(RangeError)
    expect(() => new Ring(1.5)).toThrow(RangeError)
  })
})
