import { gzipSync } from 'node:zlib'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NDJSON, ndjson, postEvents } from './support/post.ts'
import { RawClient } from './support/raw.ts'
import { eventually, startTestSluice, type TestSluice } from './support/sluice.ts'

let sluice: TestSluice
beforeAll(async () => {
  sluice = await startTestSluice({ maxEventBytes: 1024, maxBodyBytes: 64 * 1024, maxEventDepth: 8 })
})
afterAll(() => sluice?.stop())

const post = (body: string | Uint8Array, headers?: Record<string, string>, query?: string) => postEvents(sluice.url, body, headers, query)

describe('accepted requests', () => {
  it('answers 202 with the count for one object, an array and NDJSON', async () => {
    expect(await post(JSON.stringify({ type: 'a' }))).toMatchObject({ status: 202, body: { accepted: 1 } })
    expect(await post(JSON.stringify([{ n: 1 }, { n: 2 }, { n: 3 }]))).toMatchObject({ status: 202, body: { accepted: 3 } })
    expect(await post(ndjson([{ n: 1 }, { n: 2 }]), NDJSON)).toMatchObject({ status: 202, body: { accepted: 2 } })
  })

  it('answers 200 with committed counts for ?wait=commit', async () => {
    expect(await post(ndjson([{ n: 1 }, { n: 2 }]), NDJSON, '?wait=commit')).toMatchObject({ status: 200, body: { accepted: 2, committed: 2 } })
  })

  it('takes blank lines and CRLF line ends in NDJSON', async () => {
    const body = '{"n":1}\r\n\r\n   \n{"n":2}\r\n{"n":3}'
    expect(await post(body, NDJSON, '?wait=commit')).toMatchObject({ status: 200, body: { committed: 3 } })
  })

  it('takes a gzip body and accepts charset=utf-8', async () => {
    const body = gzipSync(ndjson([{ z: 1 }, { z: 2 }]))
    expect(await post(body, { ...NDJSON, 'content-encoding': 'gzip' })).toMatchObject({ status: 202, body: { accepted: 2 } })
    expect(await post('{"c":1}', { 'content-type': 'application/json; charset=utf-8' })).toMatchObject({ status: 202 })
  })

  it('stores id, type, timestamp (ISO or epoch ms) and the whole event as payload', async () => {
    await post(ndjson([
      { id: 'cols-1', type: 'click', timestamp: '2026-01-02T03:04:05Z', x: 1 },
      { id: 'cols-2', timestamp: 1_700_000_000_000, nested: { a: [1, 'two'] } },
      { id: 'cols-3', timestamp: '2024-02-29T23:59:59.123456+05:30' },
    ]), NDJSON, '?wait=commit')
    const rows = await sluice.db`select event_id, type, ts, payload from events where event_id like 'cols-%' order by event_id`
    expect(rows.map((row) => [row.event_id, row.type, (row.ts as Date).toISOString()])).toEqual([
      ['cols-1', 'click', '2026-01-02T03:04:05.000Z'],
      ['cols-2', null, '2023-11-14T22:13:20.000Z'],
      ['cols-3', null, '2024-02-29T18:29:59.123Z'],
    ])
    expect(rows[1]!.payload).toEqual({ id: 'cols-2', timestamp: 1_700_000_000_000, nested: { a: [1, 'two'] } })
  })
})

describe('400 invalid_event names the index or line', () => {
  const cases: Array<[string, string | Uint8Array, Record<string, string>, number, RegExp]> = [
    ['a non-object event in an array', '[{"a":1},42]', { 'content-type': 'application/json' }, 1, /JSON object/],
    ['a non-object NDJSON line', '{"a":1}\n"text"\n', NDJSON, 1, /line 2/],
    ['malformed JSON on a line', '{"a":1}\n{"a":\n', NDJSON, 1, /line 2/],
    ['malformed JSON body', '{"a":', { 'content-type': 'application/json' }, 0, /not valid JSON/],
    ['an empty body', '', { 'content-type': 'application/json' }, 0, /empty/],
    ['an empty array', '[]', { 'content-type': 'application/json' }, 0, /empty/],
    ['only blank NDJSON lines', '\n\r\n\n', NDJSON, 0, /no events/],
    ['invalid UTF-8', Buffer.from([0x7b, 0x22, 0x61, 0x22, 0x3a, 0x22, 0xc3, 0x28, 0x22, 0x7d]), NDJSON, 0, /UTF-8/],
    ['nesting deeper than the limit', `${'['.repeat(9)}${']'.repeat(9)}`.replace(/^\[/, '{"d":[').replace(/\]$/, ']}'), NDJSON, 0, /deeper/],
    ['an id that is not a string', '{"id":5}', { 'content-type': 'application/json' }, 0, /id must be/],
    ['a bad timestamp', '{"timestamp":"yesterday"}', { 'content-type': 'application/json' }, 0, /timestamp/],
    ['a timestamp on a day the month does not have', '{"timestamp":"2026-02-29T00:00:00Z"}', { 'content-type': 'application/json' }, 0, /not a valid date/],
    ['a timestamp at hour 24', '{"timestamp":"2026-01-01T24:00:00+01:00"}', { 'content-type': 'application/json' }, 0, /not a valid date/],
    ['a \\u0000 that jsonb cannot store', '{"s":"a\\u0000b"}', { 'content-type': 'application/json' }, 0, /u0000/],
    ['an unpaired surrogate', '{"s":"\\ud800"}', { 'content-type': 'application/json' }, 0, /surrogate/],
    ['a gzip body that is not gzip', 'not gzip at all', { ...NDJSON, 'content-encoding': 'gzip' }, 0, /gzip/],
  ]
  it.each(cases)('%s', async (_name, body, headers, index, detail) => {
    const response = await post(body, headers)
    expect(response.status).toBe(400)
    expect(response.body).toMatchObject({ error: 'invalid_event', index })
    expect(response.body.detail).toMatch(detail)
  })

  it('stores nothing from a request with one bad line', async () => {
    const before = await sluice.rows()
    const lines = Array.from({ length: 50 }, (_, n) => JSON.stringify({ n }))
    lines[37] = '{"broken": '
    expect((await post(`${lines.join('\n')}\n`, NDJSON)).status).toBe(400)
    // A later committed request proves the batcher had its chance to write anything queued.
    await post('{"after":1}', { 'content-type': 'application/json' }, '?wait=commit')
    expect(await sluice.rows()).toBe(before + 1)
  })
})

describe('413, 415 and 401', () => {
  it('refuses a body over the limit with the limit', async () => {
    const response = await post(JSON.stringify({ big: 'x'.repeat(70 * 1024) }))
    expect(response).toMatchObject({ status: 413, body: { error: 'payload_too_large', limit: 64 * 1024 } })
  })

  it('refuses one event over the event limit, naming it', async () => {
    const response = await post(ndjson([{ ok: 1 }, { big: 'x'.repeat(2000) }]), NDJSON)
    expect(response).toMatchObject({ status: 413, body: { error: 'payload_too_large', limit: 1024, index: 1 } })
  })

  it('applies the body limit to decompressed bytes: a zip bomb is refused', async () => {
    const bomb = gzipSync(Buffer.alloc(50 * 1024 * 1024, 0x20))
    expect(bomb.length).toBeLessThan(64 * 1024)
    const response = await post(bomb, { ...NDJSON, 'content-encoding': 'gzip' })
    expect(response).toMatchObject({ status: 413, body: { error: 'payload_too_large' } })
  })

  it.each([
    ['text/plain', {}],
    ['a missing content type', { 'content-type': '' }],
    ['a charset other than UTF-8', { 'content-type': 'application/json; charset=latin1' }],
    ['an unknown content encoding', { 'content-type': 'application/json', 'content-encoding': 'br' }],
  ])('answers 415 for %s', async (name, headers) => {
    const response = await post('{"a":1}', name === 'text/plain' ? { 'content-type': 'text/plain' } : headers as Record<string, string>)
    expect(response).toMatchObject({ status: 415, body: { error: 'unsupported_media_type' } })
  })

  it('requires the bearer token when one is set', async () => {
    const guarded = await startTestSluice({ token: 's3cret' })
    try {
      expect(await postEvents(guarded.url, '{"a":1}')).toMatchObject({ status: 401, body: { error: 'unauthorized' } })
      expect(await postEvents(guarded.url, '{"a":1}', { 'content-type': 'application/json', authorization: 'Bearer wrong' })).toMatchObject({ status: 401 })
      expect(await postEvents(guarded.url, '{"a":1}', { 'content-type': 'application/json', authorization: 'Bearer s3cret' })).toMatchObject({ status: 202 })
    } finally {
      await guarded.stop()
    }
  })
})

describe('429 and 503 shed load before reading the body', () => {
  it('answers 429 overloaded with Retry-After when the inflight cap is reached', async () => {
    const capped = await startTestSluice({ maxInflight: 1 })
    const holder = await RawClient.open(capped.url)
    try {
      holder.head('POST', '/v1/events', { 'content-type': 'application/json', 'content-length': 100 })
      await holder.write('{"slow":')
      await new Promise((resolve) => setTimeout(resolve, 100))
      const refused = await postEvents(capped.url, '{"a":1}')
      expect(refused).toMatchObject({ status: 429, body: { error: 'overloaded' } })
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
    } finally {
      holder.close()
      await capped.stop()
    }
  })

  it('answers 429 queue_full with Retry-After when the queue cannot take the request whole', async () => {
    // One writer, stuck in a slow write while we fill the queue: with two, the second
    // would take the next 8 as soon as the flush interval passed on a busy machine.
    const small = await startTestSluice({ queueMaxEvents: 10, batchMaxEvents: 10, writerConcurrency: 1 })
    small.pipeline.setKnobs({ dbLatencyMs: 3_000 }, 'test')
    try {
      expect((await postEvents(small.url, ndjson(Array.from({ length: 8 }, (_, n) => ({ n }))), NDJSON)).status).toBe(202)
      await eventually(() => small.pipeline.gauges().queue.events === 0, 5_000, 'the writer to take those 8 into its slow write')
      expect((await postEvents(small.url, ndjson(Array.from({ length: 8 }, (_, n) => ({ n }))), NDJSON)).status).toBe(202)
      const refused = await postEvents(small.url, ndjson([{ a: 1 }, { a: 2 }, { a: 3 }]), NDJSON)
      expect(refused).toMatchObject({ status: 429, body: { error: 'queue_full' } })
      expect(refused.headers.get('retry-after')).toMatch(/^\d+$/)
      expect(small.pipeline.stats.rejectedRequests.queue_full).toBe(1)
    } finally {
      await small.stop()
    }
  })

  it('answers 503 unavailable on a kept-alive connection while draining', async () => {
    const draining = await startTestSluice()
    draining.pipeline.setKnobs({ dbLatencyMs: 500 }, 'test')
    const client = await RawClient.open(draining.url)
    try {
      expect((await postEvents(draining.url, '{"a":1}')).status).toBe(202)
      const closing = draining.stop()
      await new Promise((resolve) => setTimeout(resolve, 50))
      client.head('POST', '/v1/events', { 'content-type': 'application/json', 'content-length': 7 })
      await client.write('{"b":2}')
      const response = await client.response()
      expect(response.status).toBe(503)
      expect(JSON.parse(response.body)).toMatchObject({ error: 'unavailable' })
      expect(response.headers['retry-after']).toMatch(/^\d+$/)
      await closing
    } finally {
      client.close()
    }
  })
})
