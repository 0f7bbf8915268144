import { describe, expect, it } from 'vitest'
import type { IngestEvent } from '../../server/pipeline/event.ts'
import { EventQueue, type Ticket } from '../../server/pipeline/queue.ts'

const event = (n: number, bytes = 10): IngestEvent => ({ id: String(n), type: null, ts: null, raw: `{"n":${n}}`, bytes })
const events = (from: number, count: number, bytes = 10) => Array.from({ length: count }, (_, i) => event(from + i, bytes))
const ticket = (remaining: number): Ticket => ({ remaining, resolve() {}, reject() {} })
const ids = (batch: { events: IngestEvent[] }) => batch.events.map((e) => Number(e.id))

describe('EventQueue', () => {
  it('takes a request whole or not at all, by events and by bytes', () => {
    const queue = new EventQueue({ maxEvents: 10, maxBytes: 100 })
    expect(queue.tryEnqueue(events(0, 8), 80)).toBe(true)
    expect(queue.tryEnqueue(events(8, 3), 30)).toBe(false)
    expect(queue.tryEnqueue(events(8, 2), 30)).toBe(false)
    expect(queue.tryEnqueue(events(8, 2), 20)).toBe(true)
    expect([queue.events, queue.bytes]).toEqual([10, 100])
  })

  it('takes events oldest first, splitting a request across batches when it must', () => {
    const queue = new EventQueue({ maxEvents: 100, maxBytes: 10_000 })
    queue.tryEnqueue(events(0, 3), 30)
    queue.tryEnqueue(events(3, 4), 40)
    expect(ids(queue.take(5, 10_000))).toEqual([0, 1, 2, 3, 4])
    expect([queue.events, queue.bytes]).toEqual([2, 20])
    expect(ids(queue.take(5, 10_000))).toEqual([5, 6])
    expect(queue.events).toBe(0)
    expect(queue.oldestAt).toBeUndefined()
  })

  it('stops a batch before the event that would pass the byte cap, but always takes one', () => {
    const queue = new EventQueue({ maxEvents: 100, maxBytes: 10_000 })
    queue.tryEnqueue([event(0, 40), event(1, 40), event(2, 500)], 580)
    const first = queue.take(100, 100)
    expect([ids(first), first.bytes]).toEqual([[0, 1], 80])
    const oversized = queue.take(100, 100)
    expect([ids(oversized), oversized.bytes]).toEqual([[2], 500])
  })

  it('says how many of each waiting request’s events a batch carries', () => {
    const queue = new EventQueue({ maxEvents: 100, maxBytes: 10_000 })
    const a = ticket(3)
    const b = ticket(4)
    queue.tryEnqueue(events(0, 3), 30, a)
    queue.tryEnqueue(events(3, 2), 20)
    queue.tryEnqueue(events(5, 4), 40, b)
    expect(queue.take(7, 10_000).tickets).toEqual([[a, 3], [b, 2]])
    expect(queue.take(7, 10_000).tickets).toEqual([[b, 2]])
  })

  it('stays in order through many enqueues and takes', () => {
    const queue = new EventQueue({ maxEvents: 100_000, maxBytes: 1_000_000 })
    const taken: number[] = []
    for (let i = 0; i < 3_000; i++) {
      queue.tryEnqueue(events(i * 2, 2), 20)
      if (i % 3 === 2) taken.push(...ids(queue.take(5, 1_000_000)))
    }
    while (queue.events > 0) taken.push(...ids(queue.take(7, 1_000_000)))
    expect(taken).toEqual(Array.from({ length: 6_000 }, (_, n) => n))
  })
})
