import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NDJSON, ndjson, postEvents } from './support/post.ts'
import { RawClient } from './support/raw.ts'
import { eventually, startTestSluice, type TestSluice } from './support/sluice.ts'

const MiB = 1024 * 1024
let sluice: TestSluice
beforeAll(async () => {
  sluice = await startTestSluice() // default 1 MiB body limit
})
afterAll(() => sluice?.stop())

// The server runs in this process, so its RSS is ours.
const rssMiB = () => process.memoryUsage().rss / MiB

describe('the body is streamed and bounded', () => {
  it('answers 413 to a declared 20 MB body before a byte of it is sent', async () => {
    const client = await RawClient.open(sluice.url)
    try {
      client.head('POST', '/v1/events', { 'content-type': 'application/x-ndjson', 'content-length': 20 * MiB })
      const response = await client.response()
      expect(response.status).toBe(413)
      expect(JSON.parse(response.body)).toEqual({ error: 'payload_too_large', limit: MiB })
    } finally {
      client.close()
    }
  })

  it('stops reading an undeclared (chunked) 20 MB body at the limit, and memory stays flat', async () => {
    const before = rssMiB()
    const client = await RawClient.open(sluice.url)
    const line = `${JSON.stringify({ pad: 'x'.repeat(1000) })}\n`
    const chunk = Buffer.from(line.repeat(64)) // ~64 KB per chunk
    let sent = 0
    try {
      client.head('POST', '/v1/events', { 'content-type': 'application/x-ndjson', 'transfer-encoding': 'chunked' })
      const answered = client.response(15_000)
      // Keep sending until the server answers or hangs up, for at most 20 MB.
      let done = false
      void answered.finally(() => { done = true }).catch(() => {})
      while (!done && !client.closed && sent < 20 * MiB) {
        await client.chunk(chunk).catch(() => {})
        sent += chunk.length
      }
      const response = await answered
      expect(response.status).toBe(413)
      expect(sent).toBeLessThan(20 * MiB)
    } finally {
      client.close()
    }
    expect(rssMiB() - before).toBeLessThan(8)
    expect(await postEvents(sluice.url, '{"still":"serving"}', { 'content-type': 'application/json' }, '?wait=commit')).toMatchObject({ status: 200 })
  })

  // A body of declared length up to 64 KiB is read whole; a chunked one goes through the
  // streaming reader. Both must count a hang-up, free the slot and store nothing.
  const READERS = [
    ['a small body of declared length', { 'content-length': 10_000 }, (client: RawClient, data: string) => client.write(data)],
    ['a chunked body', { 'transfer-encoding': 'chunked' }, (client: RawClient, data: string) => client.chunk(data)],
  ] as const

  it.each(READERS)('counts a client that disconnects mid-body (%s) and stores nothing from it', async (_name, framing, send) => {
    const before = await sluice.rows()
    const aborted = sluice.pipeline.stats.rejectedRequests.client_aborted
    const client = await RawClient.open(sluice.url)
    // Whole lines, so the streaming parser has events in hand when the client goes.
    const half = ndjson(Array.from({ length: 50 }, (_, n) => ({ n })))
    client.head('POST', '/v1/events', { 'content-type': 'application/x-ndjson', ...framing })
    await send(client, half)
    await eventually(() => sluice.pipeline.inflightRequests === 1, 5_000, 'the request to be read')
    client.close()
    await eventually(() => sluice.pipeline.stats.rejectedRequests.client_aborted === aborted + 1, 5_000, 'the abort to be counted')
    expect(sluice.pipeline.inflightRequests).toBe(0)
    expect(sluice.pipeline.gauges().inflight.bytes).toBe(0)
    await postEvents(sluice.url, '{"after":1}', { 'content-type': 'application/json' }, '?wait=commit')
    expect(await sluice.rows()).toBe(before + 1)
  })

  it.each(READERS)('answers 408 to %s that drips in slower than the body deadline, and frees its slot', async (_name, framing, send) => {
    const patient = await startTestSluice({ bodyTimeoutMs: 300 })
    const client = await RawClient.open(patient.url)
    try {
      client.head('POST', '/v1/events', { 'content-type': 'application/x-ndjson', ...framing })
      await send(client, '{"drip":')
      const response = await client.response(5_000)
      expect(response.status).toBe(408)
      expect(JSON.parse(response.body)).toEqual({ error: 'request_timeout', timeout_ms: 300 })
      expect(patient.pipeline.stats.rejectedRequests.timeout).toBe(1)
      expect(patient.pipeline.inflightRequests).toBe(0)
    } finally {
      client.close()
      await patient.stop()
    }
  })

  it('parses chunked NDJSON whose lines and characters straddle chunk boundaries', async () => {
    const client = await RawClient.open(sluice.url)
    const body = ndjson(Array.from({ length: 20 }, (_, n) => ({ n, text: 'é€😀'.repeat(n) })))
    const bytes = Buffer.from(body)
    try {
      client.head('POST', '/v1/events?wait=commit', { 'content-type': 'application/x-ndjson', 'transfer-encoding': 'chunked' })
      // 7-byte chunks split lines and multi-byte characters alike; the server runs in this
      // process, so yielding after each one lets it read them one by one.
      for (let at = 0; at < bytes.length; at += 7) {
        await client.chunk(bytes.subarray(at, at + 7))
        await new Promise((resolve) => setImmediate(resolve))
      }
      await client.chunk('')
      const response = await client.response()
      expect(response.status).toBe(200)
      expect(JSON.parse(response.body)).toEqual({ accepted: 20, committed: 20 })
    } finally {
      client.close()
    }
    const [row] = await sluice.db`select payload->>'text' as text from events where (payload->>'n')::int = 19 and payload->>'text' is not null`
    expect(row?.text).toBe('é€😀'.repeat(19))
  })

  it('keeps serving after a mix of refused bodies', async () => {
    const results = await Promise.all([
      postEvents(sluice.url, 'x'.repeat(2 * MiB), NDJSON),
      postEvents(sluice.url, '{"a":', NDJSON),
      postEvents(sluice.url, ndjson([{ ok: true }]), NDJSON),
    ])
    expect(results.map((r) => r.status)).toEqual([413, 400, 202])
  })
})
