import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { ErrorCode } from '../shared/errors.ts'
import { jsonbCastCount, payloadsOf, rowsFor } from './support/corpus.ts'
import { postEvents } from './support/post.ts'
import { RawClient } from './support/raw.ts'
import { startTestSluice, type TestSluice } from './support/sluice.ts'

// Hostile bodies: what a client can put inside a well-formed request. Each case says the
// designed status, and rows are counted after it: acknowledged events are all there,
// refused ones are not. Limits are raised so that a million levels of nesting and
// numbers of 131072 digits reach the checks they are aimed at, not the size limits.
const MiB = 1024 * 1024
let sluice: TestSluice
beforeAll(async () => {
  sluice = await startTestSluice({ maxBodyBytes: 4 * MiB, maxEventBytes: 4 * MiB })
})
afterAll(() => sluice?.stop())

const JSON_TYPE = 'application/json'
const NDJSON_TYPE = 'application/x-ndjson'
const post = (body: string | Buffer, type: string, query = '', extra: Record<string, string> = {}) =>
  postEvents(sluice.url, body, { 'content-type': type, ...extra }, query)

/** `{"tag":…,"a":[[…]]}`: an event `levels` deep, the event object itself being level 1. */
const deepEvent = (tag: string, levels: number) => `{"tag":"${tag}","a":${'['.repeat(levels - 1)}${']'.repeat(levels - 1)}}`
const withNumber = (tag: string, number: string) => `{"tag":"${tag}","n":${number}}`

describe('every event is stored as the client sent it', () => {
  // Re-serialised, this was {"n":null,"b":1.2345678901234568e+29,"d":2}.
  const event = (tag: string) => `{"tag":"${tag}","n":1e400,"b":123456789012345678901234567890,"d":1,"d":2}`

  it.each([
    ['alone', JSON_TYPE, (e: string) => e],
    ['in a JSON array', JSON_TYPE, (e: string) => `[${e}]`],
    ['as an NDJSON line', NDJSON_TYPE, (e: string) => `${e}\n`],
  ])('keeps big numbers and repeated keys verbatim %s', async (how, type, wrap) => {
    const tag = `verbatim ${how}`
    expect(await post(wrap(event(tag)), type, '?wait=commit')).toMatchObject({ status: 200, body: { committed: 1 } })
    expect(await payloadsOf(sluice, tag)).toEqual([event(tag)])
  })

  it('stores each array element as its own characters: inner whitespace, escapes, brackets in strings, multi-byte text', async () => {
    const tag = 'elements'
    const elements = [
      `{"tag":"${tag}", "s" : "]},\\"[{" , "e":"\\u00e9\\n\\\\"}`,
      `{ "tag" : "${tag}" , "k" : [ 1 , { "x" : null } , -0.0E+2 ] }`,
      `{"tag":"${tag}","t":"é€😀","u":"\\ud83d\\ude00"}`,
    ]
    const body = ` [ ${elements[0]} ,\n\t${elements[1]},${elements[2]}\r\n] \n`
    expect(await post(body, JSON_TYPE, '?wait=commit')).toMatchObject({ status: 200, body: { committed: 3 } })
    expect(await payloadsOf(sluice, tag)).toEqual(elements)
  })

  it('stores an event without the whitespace around it, alone or on a line', async () => {
    const tag = 'trimmed'
    expect((await post(` \n{"tag":"${tag}","n":1}\t\r\n`, JSON_TYPE, '?wait=commit')).status).toBe(200)
    expect((await post(`  {"tag":"${tag}","n":2}  \r\n\n`, NDJSON_TYPE, '?wait=commit')).status).toBe(200)
    expect(await payloadsOf(sluice, tag)).toEqual([`{"tag":"${tag}","n":1}`, `{"tag":"${tag}","n":2}`])
  })

  it('fills id and type from the value jsonb keeps when a key repeats (the last)', async () => {
    const tag = 'repeated keys'
    const sent = `{"tag":"${tag}","id":"first-id","id":"last-id","type":"a","type":"b"}`
    expect((await post(`[${sent}]`, JSON_TYPE, '?wait=commit')).status).toBe(200)
    const [row] = await sluice.db`select event_id, type, payload::text as text, payload::jsonb->>'id' as jsonb_id from events where payload->>'tag' = ${tag}`
    expect(row).toEqual({ event_id: 'last-id', type: 'b', text: sent, jsonb_id: 'last-id' })
  })

  it('stores a JSON body cut inside multi-byte characters, streamed in 1-byte to 7-byte pieces', async () => {
    const tag = 'split characters'
    const elements = Array.from({ length: 400 }, (_, n) => `{"tag":"${tag}","n":${n},"t":"${'é€😀'.repeat(n % 7)}${'x'.repeat(200)}"}`)
    const bytes = Buffer.from(`[${elements.join(',')}]`)
    expect(bytes.length).toBeGreaterThan(64 * 1024) // over the small-body size: the streamed path
    const client = await RawClient.open(sluice.url)
    try {
      client.head('POST', '/v1/events?wait=commit', { 'content-type': JSON_TYPE, 'content-length': bytes.length })
      for (let at = 0, piece = 1; at < bytes.length; at += piece, piece = (piece % 7) + 1) {
        await client.write(bytes.subarray(at, at + piece))
      }
      const response = await client.response()
      expect(response.status).toBe(200)
    } finally {
      client.close()
    }
    expect(await payloadsOf(sluice, tag)).toEqual(elements)
  })

  it('keeps a gzipped array verbatim too', async () => {
    const tag = 'gzipped'
    const element = `{"tag":"${tag}","n":1.50}`
    expect((await post(gzipSync(`[${element}]`), JSON_TYPE, '?wait=commit', { 'content-encoding': 'gzip' })).status).toBe(200)
    expect(await payloadsOf(sluice, tag)).toEqual([element])
  })
})

interface Case {
  readonly status: 200 | 400 | 413 | 415
  readonly error?: ErrorCode
  readonly detail?: RegExp
  readonly type?: string
  readonly headers?: Record<string, string>
  /** The body, built around the case's tag so its rows can be counted. */
  readonly body: (tag: string) => string | Buffer
  /** Rows the case stores (its events when accepted; 0 when refused). */
  readonly stored?: number
}

const invalid = (detail: RegExp) => ({ status: 400 as const, error: 'invalid_event' as const, detail })
const utf8 = (prefix: string, bad: number[], suffix: string) => Buffer.concat([Buffer.from(prefix), Buffer.from(bad), Buffer.from(suffix)])

const CASES: Record<string, Case> = {
  // Depth is checked before anything recursive runs: never a 500, at any depth.
  'an event 5000 deep inside an array': { ...invalid(/deeper than 32/), body: (t) => `[${deepEvent(t, 5001)}]` },
  'an event 5000 deep alone': { ...invalid(/deeper than 32/), body: (t) => deepEvent(t, 5001) },
  'an event 5000 deep on an NDJSON line': { ...invalid(/line 1: event nests deeper/), type: NDJSON_TYPE, body: (t) => `${deepEvent(t, 5001)}\n` },
  'an event 1,000,000 deep inside an array': { ...invalid(/deeper than 32/), body: (t) => `[${deepEvent(t, 1_000_000)}]` },
  'an event 1,000,000 deep alone': { ...invalid(/deeper than 32/), body: (t) => deepEvent(t, 1_000_000) },
  'an event 1,000,000 deep on an NDJSON line': { ...invalid(/deeper than 32/), type: NDJSON_TYPE, body: (t) => `{"tag":"${t}"}\n${deepEvent(t, 1_000_000)}\n` },
  '1,000,000 opening brackets that never close': { ...invalid(/deeper than 32/), body: (t) => `{"tag":"${t}","a":${'['.repeat(1_000_000)}` },
  'an event 33 deep (one past the limit)': { ...invalid(/deeper than 32/), body: (t) => deepEvent(t, 33) },
  'an event exactly 32 deep': { status: 200, stored: 1, body: (t) => deepEvent(t, 32) },
  'deep brackets inside a string': { status: 200, stored: 1, body: (t) => `{"tag":"${t}","s":"${'['.repeat(5000)}"}` },

  // Numbers jsonb cannot hold are refused; the largest it can hold are stored.
  '1e200000': { ...invalid(/numeric/), body: (t) => withNumber(t, '1e200000') },
  '1e200000 inside an array, second element': { ...invalid(/numeric/), body: (t) => `[${withNumber(t, '1')},${withNumber(t, '1e200000')}]` },
  '1e200000 on an NDJSON line': { ...invalid(/line 2: number 1e200000/), type: NDJSON_TYPE, body: (t) => `${withNumber(t, '1')}\n${withNumber(t, '1e200000')}\n` },
  '-1E+131072 (131073 digits)': { ...invalid(/numeric/), body: (t) => withNumber(t, '-1E+131072') },
  '1000e131069 (131073 digits, written short)': { ...invalid(/numeric/), body: (t) => withNumber(t, '1000e131069') },
  '1e131071 (131072 digits, the most)': { status: 200, stored: 1, body: (t) => withNumber(t, '1e131071') },
  '0.001e131074 (131072 digits)': { status: 200, stored: 1, body: (t) => withNumber(t, '0.001e131074') },
  'an integer of 131073 digits': { ...invalid(/numeric/), body: (t) => withNumber(t, `1${'0'.repeat(131_072)}`) },
  'an integer of 131072 digits': { status: 200, stored: 1, body: (t) => withNumber(t, `9${'0'.repeat(131_071)}`) },
  '1e-16383 (16383 decimals, the most)': { status: 200, stored: 1, body: (t) => withNumber(t, '1e-16383') },
  '1.0e-16383 (16384 decimals, trailing zero counts)': { ...invalid(/numeric/), body: (t) => withNumber(t, '1.0e-16383') },
  'a fraction of 16384 digits': { ...invalid(/numeric/), body: (t) => withNumber(t, `0.${'0'.repeat(16_383)}1`) },
  '0e-99999 (a zero with 99999 decimals)': { ...invalid(/numeric/), body: (t) => withNumber(t, '0e-99999') },
  '0e999999 (a zero, however large its exponent)': { status: 200, stored: 1, body: (t) => withNumber(t, '0e999999') },
  '1e99999999999999999999 (an exponent past 2^31)': { ...invalid(/numeric/), body: (t) => withNumber(t, '1e99999999999999999999') },
  'exponent digits in a string': { status: 200, stored: 1, body: (t) => `{"tag":"${t}","s":"1e999999","k1e999999":true}` },

  // Encodings.
  'invalid UTF-8 (C3 28)': { ...invalid(/UTF-8/), body: (t) => utf8(`{"tag":"${t}","s":"`, [0xc3, 0x28], '"}') },
  'an overlong slash (C0 AF)': { ...invalid(/UTF-8/), body: (t) => utf8(`[{"tag":"${t}","s":"`, [0xc0, 0xaf], '"}]') },
  'a UTF-8-encoded surrogate (ED A0 80)': { ...invalid(/UTF-8/), type: NDJSON_TYPE, body: (t) => utf8(`{"tag":"${t}"}\n{"tag":"${t}","s":"`, [0xed, 0xa0, 0x80], '"}\n') },
  'a lone continuation byte': { ...invalid(/UTF-8/), type: NDJSON_TYPE, body: (t) => utf8(`{"tag":"${t}","s":"`, [0x80], '"}\n') },
  'a body cut inside a character': { ...invalid(/UTF-8/), body: (t) => utf8(`{"tag":"${t}","s":"`, [0xe2, 0x82], '') },
  'a byte order mark before a JSON body': { ...invalid(/byte order mark/), body: (t) => `\ufeff{"tag":"${t}"}` },
  'a byte order mark before an NDJSON body': { ...invalid(/line 1: .*byte order mark/), type: NDJSON_TYPE, body: (t) => `\ufeff{"tag":"${t}"}\n` },
  'a no-break space after the event': { ...invalid(/not valid JSON/), body: (t) => `{"tag":"${t}"}\u00a0` },
  '\\u0000 in the second element': { ...invalid(/u0000/), body: (t) => `[{"tag":"${t}"},{"tag":"${t}","s":"a\\u0000"}]` },
  'an unpaired surrogate escape in a key': { ...invalid(/surrogate/), body: (t) => `{"tag":"${t}","\\udc00":1}` },

  // Shapes.
  'an empty body': { ...invalid(/empty/), body: () => '' },
  'whitespace only': { ...invalid(/empty/), body: () => ' \r\n\t ' },
  'an empty array': { ...invalid(/empty array/), body: () => ' [ ] ' },
  'a trailing comma in the array': { ...invalid(/JSON object/), body: (t) => `[{"tag":"${t}"},]` },
  'more after the array': { ...invalid(/after the closing/), body: (t) => `[{"tag":"${t}"}] {"tag":"${t}"}` },
  'an array that never closes': { ...invalid(/ends before the array is closed/), body: (t) => `[{"tag":"${t}"}` },
  'two events without a comma': { ...invalid(/expected , or \]/), body: (t) => `[{"tag":"${t}"} {"tag":"${t}"}]` },
  'mismatched brackets inside an element': { ...invalid(/not valid JSON/), body: (t) => `[{"tag":"${t}","a":[1}],{"tag":"${t}"}]` },
  'an array of arrays': { ...invalid(/JSON object/), body: (t) => `[[{"tag":"${t}"}]]` },
  'a bare number': { ...invalid(/JSON object/), body: () => '42' },
  'two objects one after the other': { ...invalid(/not valid JSON/), body: (t) => `{"tag":"${t}"}{"tag":"${t}"}` },
  'a 1 MB string': { status: 200, stored: 1, body: (t) => `{"tag":"${t}","s":"${'x'.repeat(MiB)}"}` },
  '100,000 keys': { status: 200, stored: 1, body: (t) => `{"tag":"${t}",${Array.from({ length: 100_000 }, (_, n) => `"k${n}":${n}`).join(',')}}` },
  '10,000 events in one array': { status: 200, stored: 10_000, body: (t) => `[${Array.from({ length: 10_000 }, (_, n) => `{"tag":"${t}","n":${n}}`).join(',')}]` },
  'a 5 MB string (over the body limit)': { status: 413, error: 'payload_too_large', body: (t) => `{"tag":"${t}","s":"${'x'.repeat(5 * MiB)}"}` },

  // Compression.
  'gzip that is cut short': { ...invalid(/gzip/), headers: { 'content-encoding': 'gzip' }, body: (t) => gzipSync(`[{"tag":"${t}"}]`).subarray(0, 12) },
  'gzip that inflates to 1,000,000 levels': { ...invalid(/deeper than 32/), headers: { 'content-encoding': 'gzip' }, body: (t) => gzipSync(deepEvent(t, 1_000_000)) },
  'gzip that inflates to 64 MB': { status: 413, error: 'payload_too_large', headers: { 'content-encoding': 'gzip' }, body: () => gzipSync(Buffer.alloc(64 * MiB, 0x20)) },

  // Content types: RFC 9110 parameters, quoted or not, any case.
  'charset="utf-8" (quoted)': { status: 200, stored: 1, type: 'application/json; charset="utf-8"', body: (t) => `{"tag":"${t}"}` },
  'APPLICATION/JSON; CHARSET="UTF-8"': { status: 200, stored: 1, type: 'APPLICATION/JSON; CHARSET="UTF-8"', body: (t) => `{"tag":"${t}"}` },
  'other parameters, one quoting a semicolon': { status: 200, stored: 1, type: 'application/json;foo="a;b";charset=UTF-8;', body: (t) => `{"tag":"${t}"}` },
  'NDJSON with charset="utf-8"': { status: 200, stored: 2, type: 'application/x-ndjson; charset="utf-8"', body: (t) => `{"tag":"${t}"}\n{"tag":"${t}"}\n` },
  'charset="latin1"': { status: 415, error: 'unsupported_media_type', type: 'application/json; charset="latin1"', body: (t) => `{"tag":"${t}"}` },
  'charset=utf-16': { status: 415, error: 'unsupported_media_type', type: 'application/json; charset=utf-16', body: (t) => `{"tag":"${t}"}` },
  'charset twice, disagreeing': { status: 415, error: 'unsupported_media_type', type: 'application/json; charset=utf-8; charset=latin1', body: (t) => `{"tag":"${t}"}` },
  'a parameter without a semicolon': { status: 415, error: 'unsupported_media_type', type: 'application/json charset=utf-8', body: (t) => `{"tag":"${t}"}` },
  'text/json': { status: 415, error: 'unsupported_media_type', type: 'text/json', body: (t) => `{"tag":"${t}"}` },
}

describe('hostile bodies get their designed answer; acknowledged events are stored, refused ones are not', () => {
  it.each(Object.entries(CASES))('%s', async (name, { status, error, detail, type = JSON_TYPE, headers = {}, body, stored = 0 }) => {
    const tag = name.replace(/["\\]/g, "'") // goes into JSON strings unescaped
    const response = await post(body(tag), type, status === 200 ? '?wait=commit' : '', headers)
    expect(response.status).toBe(status)
    if (error) expect(response.body.error).toBe(error)
    if (detail) expect(response.body.detail).toMatch(detail)
    expect(await rowsFor(sluice, tag)).toBe(stored)
  })

  it('leaves every stored payload castable to jsonb', async () => {
    const [row] = await sluice.db`select count(*)::int as n from events`
    expect(row!.n).toBeGreaterThan(10_000)
    expect(await jsonbCastCount(sluice)).toBe(row!.n)
  })
})
