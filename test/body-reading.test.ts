import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { NDJSON, ndjson, postEvents } from './support/post.ts'
import { RawClient, type RawResponse } from './support/raw.ts'
import { eventually, startTestSluice, type TestSluice } from './support/sluice.ts'

const MiB = 1024 * 1024
let sluice: TestSluice
beforeAll(async () => {
  sluice = await startTestSluice() // 1 MiB body limit, bodyReading stream
})
afterAll(() => sluice?.stop())

async function setKnobs(body: Record<string, unknown>): Promise<Record<string, unknown>> {
  const response = await fetch(`${sluice.url}/api/config`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
    signal: AbortSignal.timeout(5_000),
  })
  expect(response.status).toBe(200)
  return ((await response.json()) as { live: Record<string, unknown> }).live
}

/** Whether an answer arrives within `ms` (a bounded look, not a speed check). */
async function answeredWithin(answer: Promise<RawResponse>, ms: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined
  const quiet = new Promise<false>((resolve) => (timer = setTimeout(() => resolve(false), ms)))
  const result = await Promise.race([answer.then(() => true as const, () => true as const), quiet])
  clearTimeout(timer)
  return result
}

/** A 2 MiB NDJSON body (over the 1 MiB limit). */
const big = Buffer.from(ndjson(Array.from({ length: 2048 }, (_, n) => ({ n, pad: 'x'.repeat(1000) }))))

describe('live knob bodyReading', () => {
  it('switches between stream and buffer at run time, and refuses anything else', async () => {
    expect((await setKnobs({ bodyReading: 'buffer' })).bodyReading).toBe('buffer')
    expect(sluice.pipeline.knobs.bodyReading).toBe('buffer')
    expect((await setKnobs({ bodyReading: 'stream' })).bodyReading).toBe('stream')
    const refused = await fetch(`${sluice.url}/api/config`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: '{"bodyReading":"gulp"}' })
    expect(refused.status).toBe(400)
    expect(await refused.json()).toMatchObject({ error: 'invalid_config', field: 'bodyReading' })
  })

  it('stream refuses an over-limit body from its Content-Length, before a byte of it is sent', async () => {
    await setKnobs({ bodyReading: 'stream' })
    const client = await RawClient.open(sluice.url)
    try {
      client.head('POST', '/v1/events', { 'content-type': 'application/x-ndjson', 'content-length': big.length })
      expect((await client.response(5_000)).status).toBe(413)
    } finally {
      client.close()
    }
  })

  it('buffer reads an over-limit body whole, holding all of it in flight, and only then answers 413', async () => {
    await setKnobs({ bodyReading: 'buffer' })
    const client = await RawClient.open(sluice.url)
    try {
      client.head('POST', '/v1/events', { 'content-type': 'application/x-ndjson', 'content-length': big.length })
      const answer = client.response(15_000)
      await client.write(big.subarray(0, big.length - 1))
      // The whole declared body is reserved against the inflight-bytes cap while it is read.
      await eventually(() => sluice.pipeline.gauges().inflight.bytes === big.length, 5_000, 'the declared body to be reserved')
      expect(await answeredWithin(answer, 300)).toBe(false)
      await client.write(big.subarray(big.length - 1))
      const response = await answer
      expect(response.status).toBe(413)
      expect(JSON.parse(response.body)).toEqual({ error: 'payload_too_large', limit: MiB })
      // Read to its end, so the connection is still good for another request.
      const small = '{"after":"buffered 413"}'
      client.head('POST', '/v1/events?wait=commit', { 'content-type': 'application/json', 'content-length': small.length })
      await client.write(small)
      expect((await client.response(5_000)).status).toBe(200)
    } finally {
      client.close()
      await setKnobs({ bodyReading: 'stream' })
    }
    expect(sluice.pipeline.gauges().inflight.bytes).toBe(0)
  })

  it('buffer stores every event of a body within the limit, as stream does', async () => {
    await setKnobs({ bodyReading: 'buffer' })
    try {
      const before = await sluice.rows()
      const body = ndjson(Array.from({ length: 400 }, (_, n) => ({ n, pad: 'y'.repeat(500) }))) // ~200 KB: not the small-body path
      expect(await postEvents(sluice.url, body, NDJSON, '?wait=commit')).toMatchObject({ status: 200, body: { accepted: 400, committed: 400 } })
      expect(await sluice.rows()).toBe(before + 400)
    } finally {
      await setKnobs({ bodyReading: 'stream' })
    }
  })

  it('buffer still stops an undeclared body at the inflight-bytes cap, the one check made while reading', async () => {
    await setKnobs({ bodyReading: 'buffer', maxInflightBytes: 4 * MiB })
    const client = await RawClient.open(sluice.url)
    const chunk = big.subarray(0, 256 * 1024)
    let sent = 0
    try {
      client.head('POST', '/v1/events', { 'content-type': 'application/x-ndjson', 'transfer-encoding': 'chunked' })
      const answer = client.response(15_000)
      let done = false
      void answer.finally(() => (done = true)).catch(() => {})
      while (!done && !client.closed && sent < 32 * MiB) {
        await client.write(`${chunk.length.toString(16)}\r\n`).then(() => client.write(chunk)).then(() => client.write('\r\n')).catch(() => {})
        sent += chunk.length
      }
      const response = await answer
      expect(response.status).toBe(413)
      expect(JSON.parse(response.body)).toEqual({ error: 'payload_too_large', limit: 4 * MiB })
      expect(sent).toBeLessThan(32 * MiB)
    } finally {
      client.close()
      await setKnobs({ bodyReading: 'stream', maxInflightBytes: sluice.config.maxInflightBytes })
    }
  })
})
