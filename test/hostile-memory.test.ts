import { setFlagsFromString } from 'node:v8'
import { runInNewContext } from 'node:vm'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { LINGER_MS } from '../server/pipeline/unread-body.ts'
import { postEvents } from './support/post.ts'
import { RawClient, type RawResponse } from './support/raw.ts'
import { eventually, startTestSluice, type TestSluice } from './support/sluice.ts'

// Big uploads at once, each refused at the 1 MiB body limit. The server runs in this
// process, so after a full collection what this process holds is what the server kept.
const MiB = 1024 * 1024
let sluice: TestSluice
beforeAll(async () => {
  sluice = await startTestSluice() // defaults: 1 MiB bodies, 64 MiB in flight
})
afterAll(() => sluice?.stop())

setFlagsFromString('--expose-gc')
const gc = runInNewContext('gc') as () => void
const retained = () => {
  gc()
  const { heapUsed, external } = process.memoryUsage()
  return heapUsed + external
}

const LINE = `${JSON.stringify({ tag: 'upload', pad: 'x'.repeat(1000) })}\n`
const CHUNK = Buffer.from(LINE.repeat(64)) // ~64 KB
const FRAMED = Buffer.concat([Buffer.from(`${CHUNK.length.toString(16)}\r\n`), CHUNK, Buffer.from('\r\n')])

/** Sends a chunked NDJSON body of up to `total` bytes until the server answers or hangs up. */
async function upload(total: number): Promise<RawResponse> {
  const client = await RawClient.open(sluice.url)
  try {
    client.head('POST', '/v1/events', { 'content-type': 'application/x-ndjson', 'transfer-encoding': 'chunked' })
    let answered = false
    const response = client.response(30_000).finally(() => (answered = true))
    response.catch(() => {})
    for (let sent = 0; !answered && !client.closed && sent < total; sent += CHUNK.length) {
      await client.write(FRAMED).catch(() => {})
    }
    return await response
  } finally {
    client.close()
  }
}

describe('memory is bounded by what is counted', () => {
  it('refuses 100 concurrent chunked 20 MB uploads at the limit, keeps serving, and keeps nothing of them', async () => {
    const rowsBefore = await sluice.rows()
    const before = retained()
    const responses = await Promise.all(Array.from({ length: 100 }, () => upload(20 * MiB)))
    for (const response of responses) expect([413, 429]).toContain(response.status)
    expect(responses.filter((r) => r.status === 413).length).toBeGreaterThan(0)
    await eventually(() => sluice.pipeline.inflightRequests === 0 && sluice.pipeline.gauges().inflight.bytes === 0, 5_000, 'every slot to be released')
    expect(await postEvents(sluice.url, '{"after":"uploads"}', { 'content-type': 'application/json' }, '?wait=commit')).toMatchObject({ status: 200 })
    expect(await sluice.rows()).toBe(rowsBefore + 1)
    // Lingering connections let go within LINGER_MS; what is left after that is kept for good.
    await eventually(() => retained() - before < 16 * MiB, LINGER_MS + 10_000, 'the uploads to be released')
  })

  it('never parses a streamed body before it is complete: an oversized one is 413 even if its first line is garbage', async () => {
    const client = await RawClient.open(sluice.url)
    try {
      client.head('POST', '/v1/events', { 'content-type': 'application/x-ndjson', 'transfer-encoding': 'chunked' })
      await client.write(`9\r\n{garbage\n\r\n`)
      let answered = false
      const response = client.response(15_000).finally(() => (answered = true))
      for (let sent = 0; !answered && !client.closed && sent < 4 * MiB; sent += CHUNK.length) await client.write(FRAMED).catch(() => {})
      expect((await response).status).toBe(413)
    } finally {
      client.close()
    }
  })
})
