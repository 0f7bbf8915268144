import { describe, expect, it } from 'vitest'
import { parseBody } from '../../server/pipeline/parse.ts'
import { thrown } from '../support/thrown.ts'

const LIMITS = { maxEventBytes: 200, maxEventDepth: 3 }
// Events are validated where they are parsed: one JSON body holding the one event.
const check = (value: unknown, raw?: string) => parseBody('json', Buffer.from(raw ?? JSON.stringify(value)), LIMITS)[0]!
const refusal = (value: unknown, raw?: string) => thrown(() => check(value, raw))

describe('one event, as the parser validates it', () => {
  it('takes id, type and timestamp as columns and keeps the sender’s JSON text', () => {
    const raw = '{"id":"e1", "type":"click","timestamp":"2024-02-29T23:59:59.5+05:30","x":1}'
    expect(check(JSON.parse(raw), raw)).toEqual({ id: 'e1', type: 'click', ts: '2024-02-29T23:59:59.5+05:30', raw, bytes: Buffer.byteLength(raw) })
  })

  it('reads epoch milliseconds and other Date.parse forms as ISO, and leaves absent fields null', () => {
    expect(check({ timestamp: 1_700_000_000_000 }).ts).toBe('2023-11-14T22:13:20.000Z')
    expect(check({ timestamp: 'Tue, 14 Nov 2023 22:13:20 GMT' }).ts).toBe('2023-11-14T22:13:20.000Z')
    expect(check({ n: 1 })).toMatchObject({ id: null, type: null, ts: null, raw: '{"n":1}' })
  })

  it.each([
    ['a leap day in a leap year', '2024-02-29T00:00:00Z'],
    ['the last second of a day', '2026-12-31T23:59:59Z'],
    ['nanoseconds', '2026-01-01T00:00:00.123456789Z'],
  ])('takes a timestamp with %s', (_name, timestamp) => {
    expect(check({ timestamp }).ts).toBe(timestamp)
  })

  it.each([
    ['a JSON array', [1], 'invalid_event'],
    ['null', null, 'invalid_event'],
    ['an empty id', { id: '' }, 'invalid_event'],
    ['a numeric id', { id: 5 }, 'invalid_event'],
    ['an id over 128 characters', { id: 'x'.repeat(129) }, 'invalid_event'],
    ['a type that is not a string', { type: ['a'] }, 'invalid_event'],
    ['a timestamp that is no date', { timestamp: 'yesterday' }, 'invalid_event'],
    ['February 29 in a common year', { timestamp: '2026-02-29T00:00:00Z' }, 'invalid_event'],
    ['hour 24', { timestamp: '2026-01-01T24:00:00Z' }, 'invalid_event'],
    ['a year before PostgreSQL’s range', { timestamp: -300_000_000_000_000 }, 'invalid_event'],
    ['nesting deeper than the limit', { a: { b: { c: { d: 1 } } } }, 'invalid_event'],
    ['a \\u0000 jsonb cannot store', { s: 'a\u0000b' }, 'invalid_event'],
    ['an unpaired surrogate in a key', { ['\ud800']: 1 }, 'invalid_event'],
    ['more bytes than the event limit', { pad: 'x'.repeat(300) }, 'payload_too_large'],
  ])('refuses %s', (_name, value, code) => {
    expect(refusal(value)).toMatchObject({ code })
  })

  it('accepts nesting up to the limit and escapes that only look suspicious', () => {
    expect(check({ a: { b: { c: 1 } } }).id).toBeNull()
    // A backslash-escaped "\u0000" is six plain characters, not a NUL.
    const raw = '{"s":"\\\\u0000"}'
    expect(check(JSON.parse(raw), raw).raw).toBe(raw)
  })
})
