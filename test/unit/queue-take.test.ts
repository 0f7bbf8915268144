import { describe, expect, it } from 'vitest'
import { CopyRows } from '../../server/pipeline/copy-text.ts'
import type { IngestEvent } from '../../server/pipeline/event.ts'
import { EventQueue, type Batch, type Ticket } from '../../server/pipeline/queue.ts'

// The row of event n is `n \t \N \t \N \t "xx…" \n`: rowBytes long in all.
const event = (n: number, rowBytes = 20): IngestEvent => {
  const raw = `"${'x'.repeat(rowBytes - String(n).length - 10)}"`
  return { id: String(n), type: null, ts: null, raw, bytes: raw.length }
}
const rows = (from: number, count: number, rowBytes = 20) => CopyRows.of(Array.from({ length: count }, (_, i) => event(from + i, rowBytes)))
const ticket = (remaining: number): Ticket => ({ remaining, resolve() {}, reject() {} })
const ids = (batch: Batch) => batch.rows.events().map((e) => Number(e.id))

describe('EventQueue', () => {
  it('counts a request by its rows: events, and the bytes COPY will send', () => {
    expect(rows(0, 3).bytes).toBe(60)
    expect(rows(0, 1, 45).bytes).toBe(45)
  })

  it('takes a request whole or not at all, by events and by bytes', () => {
    const queue = new EventQueue({ maxEvents: 10, maxBytes: 200 })
    expect(queue.tryEnqueue(rows(0, 8))).toBe(true)
    expect(queue.tryEnqueue(rows(8, 3))).toBe(false)
    expect(queue.tryEnqueue(rows(8, 2, 30))).toBe(false)
    expect(queue.tryEnqueue(rows(8, 2))).toBe(true)
    expect([queue.events, queue.bytes]).toEqual([10, 200])
  })

  it('takes events oldest first, splitting a request across batches when it must', () => {
    const queue = new EventQueue({ maxEvents: 100, maxBytes: 10_000 })
    queue.tryEnqueue(rows(0, 3))
    queue.tryEnqueue(rows(3, 4))
    expect(ids(queue.take(5, 10_000))).toEqual([0, 1, 2, 3, 4])
    expect([queue.events, queue.bytes]).toEqual([2, 40])
    expect(ids(queue.take(5, 10_000))).toEqual([5, 6])
    expect(queue.events).toBe(0)
    expect(queue.oldestAt).toBeUndefined()
  })

  it('stops a batch before the event that would pass the byte cap, but always takes one', () => {
    const queue = new EventQueue({ maxEvents: 100, maxBytes: 10_000 })
    queue.tryEnqueue(CopyRows.of([event(0, 40), event(1, 40), event(2, 500)]))
    const first = queue.take(100, 100)
    expect([ids(first), first.rows.bytes]).toEqual([[0, 1], 80])
    const oversized = queue.take(100, 100)
    expect([ids(oversized), oversized.rows.bytes]).toEqual([[2], 500])
  })

  it('says how many of each waiting request’s events a batch carries', () => {
    const queue = new EventQueue({ maxEvents: 100, maxBytes: 10_000 })
    const a = ticket(3)
    const b = ticket(4)
    queue.tryEnqueue(rows(0, 3), a)
    queue.tryEnqueue(rows(3, 2))
    queue.tryEnqueue(rows(5, 4), b)
    expect(queue.take(7, 10_000).tickets).toEqual([[a, 3], [b, 2]])
    expect(queue.take(7, 10_000).tickets).toEqual([[b, 2]])
  })

  it('stays in order through many enqueues and takes', () => {
    const queue = new EventQueue({ maxEvents: 100_000, maxBytes: 1_000_000 })
    const taken: number[] = []
    for (let i = 0; i < 3_000; i++) {
      queue.tryEnqueue(rows(i * 2, 2))
      if (i % 3 === 2) taken.push(...ids(queue.take(5, 1_000_000)))
    }
    while (queue.events > 0) taken.push(...ids(queue.take(7, 1_000_000)))
    expect(taken).toEqual(Array.from({ length: 6_000 }, (_, n) => n))
  })
})

describe('CopyRows', () => {
  const tricky: IngestEvent[] = [
    { id: 'a\tb', type: 'line\nbreak', ts: '2026-01-01T00:00:00Z', raw: '{"s":"back\\\\slash\\ttab"}', bytes: 0 },
    { id: null, type: null, ts: null, raw: '{"text":"żółw 🐢\\r\\n"}', bytes: 0 },
    { id: '3', type: 'plain', ts: null, raw: '{"n":3}', bytes: 0 },
  ]
  const fields = (events: IngestEvent[]) => events.map(({ id, type, ts, raw }) => ({ id, type, ts, raw }))

  it('gives back the events it was made of, fields with tabs, newlines, backslashes and multi-byte text included', () => {
    expect(fields(CopyRows.of(tricky).events())).toEqual(fields(tricky))
  })

  it('slices and joins on row boundaries, by bytes', () => {
    const all = CopyRows.of(tricky)
    const [first, rest] = [all.slice(0, 1), all.slice(1)]
    expect(first.bytes + rest.bytes).toBe(all.bytes)
    expect(fields(rest.events())).toEqual(fields(tricky.slice(1)))
    const joined = CopyRows.concat([first, rest])
    expect(joined.text.equals(all.text)).toBe(true)
    expect([...joined.ends]).toEqual([...all.ends])
    expect(fields(joined.slice(2, 3).events())).toEqual(fields(tricky.slice(2)))
  })

  it('refuses COPY text whose rows do not match the count it was given', () => {
    const text = CopyRows.of(tricky).text
    expect(() => CopyRows.fromText(text, 2)).toThrow(/3 rows|2 were expected/)
    expect(() => CopyRows.fromText(text, 4)).toThrow(/3 rows/)
    expect(CopyRows.fromText(text, 3).count).toBe(3)
  })
})
