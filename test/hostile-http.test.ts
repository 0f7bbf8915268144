import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { DRAIN_LIMIT_BYTES } from '../server/pipeline/unread-body.ts'
import { rowsFor } from './support/corpus.ts'
import { RawClient, type RawResponse } from './support/raw.ts'
import { eventually, startTestSluice, type TestSluice } from './support/sluice.ts'

// Hostile framing: what a client can do to the HTTP around the events, on bare sockets.
// Each case asserts what the client sees and counts the rows its tag left behind.
const LIMIT = 64 * 1024
let sluice: TestSluice
beforeAll(async () => {
  sluice = await startTestSluice({ maxBodyBytes: LIMIT })
})
afterAll(() => sluice?.stop())

const event = (tag: string) => `{"tag":"${tag}"}`

/** A complete request with a declared length, as bytes on the wire. */
function request(body: string, { type = 'application/json', path = '/v1/events?wait=commit', extra = '' } = {}): string {
  return `POST ${path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: ${type}\r\nContent-Length: ${Buffer.byteLength(body)}\r\n${extra}\r\n${body}`
}

async function withClient<T>(use: (client: RawClient) => Promise<T>): Promise<T> {
  const client = await RawClient.open(sluice.url)
  try {
    return await use(client)
  } finally {
    client.close()
  }
}

const statusOf = (response: RawResponse) => response.status

describe('a refusal leaves the connection usable, or says Connection: close and closes', () => {
  it(`answers the next request after an early 413 whose declared rest (≤ ${DRAIN_LIMIT_BYTES} bytes) the server drains`, async () => {
    const tag = 'after an early 413'
    await withClient(async (client) => {
      const body = `{"tag":"${tag}","pad":"${'x'.repeat(LIMIT + 1000)}"}`
      client.head('POST', '/v1/events', { 'content-type': 'application/json', 'content-length': body.length })
      const refused = await client.response()
      expect(refused.status).toBe(413)
      expect(refused.headers.connection).toBe('keep-alive')
      await client.write(body) // the client sends the body it announced anyway
      await client.write(request(event(tag)))
      expect(statusOf(await client.response())).toBe(200)
    })
    expect(await rowsFor(sluice, tag)).toBe(1)
  })

  it('says Connection: close to a 413 for a declared 20 MB body, and closes without waiting for it', async () => {
    await withClient(async (client) => {
      client.head('POST', '/v1/events', { 'content-type': 'application/json', 'content-length': 20 * 1024 * 1024 })
      const refused = await client.response()
      expect(refused).toMatchObject({ status: 413, headers: { connection: 'close' } })
      await eventually(() => client.closed, 5_000, 'the server to close the connection')
    })
  })

  it('delivers a whole 413 with Connection: close to a chunked upload still sending, without a reset', async () => {
    const tag = 'chunked upload refused'
    const errors: string[] = []
    await withClient(async (client) => {
      client.socket.on('error', (error: NodeJS.ErrnoException) => errors.push(error.code ?? error.message))
      client.head('POST', '/v1/events', { 'content-type': 'application/x-ndjson', 'transfer-encoding': 'chunked' })
      const line = `${event(tag)}\n`.repeat(400)
      const chunk = `${Buffer.byteLength(line).toString(16)}\r\n${line}\r\n`
      let answered: RawResponse | undefined
      const response = client.response(15_000).then((r) => (answered = r))
      // Up to 8 MB, as fast as the socket takes it, until the answer arrives.
      for (let sent = 0; !answered && !client.closed && sent < 8 * 1024 * 1024; sent += chunk.length) {
        await client.write(chunk).catch(() => {}) // writes after the server's FIN fail; the answer is what counts
      }
      const refused = await response
      expect(refused.status).toBe(413)
      expect(refused.headers.connection).toBe('close')
      expect(JSON.parse(refused.body)).toEqual({ error: 'payload_too_large', limit: LIMIT })
      await eventually(() => client.closed, 5_000, 'the server to close the connection')
    })
    expect(errors).not.toContain('ECONNRESET')
    expect(await rowsFor(sluice, tag)).toBe(0)
  })

  it('answers the next request after a 415 for a small body it never read', async () => {
    const tag = 'after a 415'
    const responses = await withClient(async (client) => {
      // Both in one write: the refused body must be skipped exactly, not read as the next request.
      await client.write(request(event(tag), { type: 'text/plain' }) + request(event(tag)))
      return [await client.response(), await client.response()]
    })
    expect(responses.map(statusOf)).toEqual([415, 200])
    expect(responses[0]!.headers.connection).toBe('keep-alive')
    expect(await rowsFor(sluice, tag)).toBe(1)
  })

  it('says Connection: close to a 415 for a chunked body it never read', async () => {
    await withClient(async (client) => {
      client.head('POST', '/v1/events', { 'content-type': 'text/plain', 'transfer-encoding': 'chunked' })
      await client.write('5\r\nhello\r\n')
      expect(await client.response()).toMatchObject({ status: 415, headers: { connection: 'close' } })
      await eventually(() => client.closed, 5_000, 'the server to close the connection')
    })
  })

  it('answers the next request after a 429 on the same connection', async () => {
    const tag = 'after a 429'
    const cap = sluice.pipeline.knobs.maxInflight
    const holder = await RawClient.open(sluice.url)
    try {
      sluice.pipeline.setKnobs({ maxInflight: 1 }, 'test')
      holder.head('POST', '/v1/events', { 'content-type': 'application/json', 'content-length': 100 })
      await holder.write('{"held":')
      await eventually(() => sluice.pipeline.inflightRequests === 1, 5_000, 'the holder to take the only slot')
      await withClient(async (client) => {
        await client.write(request(event(tag)))
        const refused = await client.response()
        expect(refused).toMatchObject({ status: 429, headers: { connection: 'keep-alive' } })
        holder.close()
        await eventually(() => sluice.pipeline.inflightRequests === 0, 5_000, 'the holder to let go')
        await client.write(request(event(tag)))
        expect(statusOf(await client.response())).toBe(200)
      })
    } finally {
      sluice.pipeline.setKnobs({ maxInflight: cap }, 'test')
      holder.close()
    }
    expect(await rowsFor(sluice, tag)).toBe(1)
  })
})

describe('bytes beyond a request', () => {
  it('answers pipelined requests in order and stores each', async () => {
    const tag = 'pipelined'
    const responses = await withClient(async (client) => {
      await client.write(Array.from({ length: 50 }, (_, n) => request(Array.from({ length: n + 1 }, () => event(tag)).join('\n'), { type: 'application/x-ndjson' })).join(''))
      const answers: RawResponse[] = []
      for (let n = 0; n < 50; n++) answers.push(await client.response())
      return answers
    })
    expect(responses.map((r) => JSON.parse(r.body).accepted)).toEqual(Array.from({ length: 50 }, (_, n) => n + 1))
    expect(await rowsFor(sluice, tag)).toBe((50 * 51) / 2)
  })

  it('answers 400 and closes when the bytes after a body are not a request, and stores nothing from that connection', async () => {
    const tag = 'garbage in the same write'
    const response = await withClient(async (client) => {
      await client.write(`${request(event(tag))}GARBAGE\r\n\r\n`)
      const answer = await client.response()
      await eventually(() => client.closed, 5_000, 'the server to close the connection')
      return answer
    })
    expect(response).toMatchObject({ status: 400, headers: { connection: 'close' } })
    expect(await rowsFor(sluice, tag)).toBe(0)
  })

  it('answers the request first when the extra bytes come after its answer, then 400 and close', async () => {
    const tag = 'garbage after the answer'
    const responses = await withClient(async (client) => {
      await client.write(request(event(tag)))
      const first = await client.response()
      await client.write('GARBAGE\r\n\r\n')
      const second = await client.response()
      await eventually(() => client.closed, 5_000, 'the server to close the connection')
      return [first, second]
    })
    expect(responses.map(statusOf)).toEqual([200, 400])
    expect(await rowsFor(sluice, tag)).toBe(1)
  })
})

// Framing that a proxy and Node could read differently is refused by Node's parser with
// 400 and a close; none of it may reach the database.
const H = (tag: string) => `POST /v1/events?wait=commit HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nX-Case: ${tag}\r\n`
const chunked = (body: string) => `${Buffer.byteLength(body).toString(16)}\r\n${body}\r\n0\r\n\r\n`
const SMUGGLING: Record<string, [status: number, wire: (tag: string) => string]> = {
  'Content-Length and Transfer-Encoding': [400, (t) => `${H(t)}Content-Length: ${event(t).length}\r\nTransfer-Encoding: chunked\r\n\r\n${chunked(event(t))}`],
  'Transfer-Encoding and Content-Length': [400, (t) => `${H(t)}Transfer-Encoding: chunked\r\nContent-Length: ${event(t).length}\r\n\r\n${chunked(event(t))}`],
  'two Content-Lengths that differ': [400, (t) => `${H(t)}Content-Length: ${event(t).length}\r\nContent-Length: 5\r\n\r\n${event(t)}`],
  'two equal Content-Lengths': [400, (t) => `${H(t)}Content-Length: ${event(t).length}\r\nContent-Length: ${event(t).length}\r\n\r\n${event(t)}`],
  'a Content-Length list': [400, (t) => `${H(t)}Content-Length: ${event(t).length}, ${event(t).length}\r\n\r\n${event(t)}`],
  'a signed Content-Length': [400, (t) => `${H(t)}Content-Length: +${event(t).length}\r\n\r\n${event(t)}`],
  'a hex Content-Length': [400, (t) => `${H(t)}Content-Length: 0x${event(t).length.toString(16)}\r\n\r\n${event(t)}`],
  'a Content-Length past 2^64': [400, (t) => `${H(t)}Content-Length: 99999999999999999999\r\n\r\n${event(t)}`],
  'Transfer-Encoding: xchunked': [400, (t) => `${H(t)}Transfer-Encoding: xchunked\r\n\r\n${chunked(event(t))}`],
  'Transfer-Encoding: chunked, identity': [400, (t) => `${H(t)}Transfer-Encoding: chunked, identity\r\n\r\n${chunked(event(t))}`],
  'Transfer-Encoding twice': [400, (t) => `${H(t)}Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n${chunked(event(t))}`],
  'a space before the colon': [400, (t) => `${H(t)}Transfer-Encoding : chunked\r\n\r\n${chunked(event(t))}`],
  'a folded header line': [400, (t) => `${H(t)}Transfer-Encoding:\r\n chunked\r\n\r\n${chunked(event(t))}`],
  'a chunk size past 2^64': [400, (t) => `${H(t)}Transfer-Encoding: chunked\r\n\r\nfffffffffffffffffff${Buffer.byteLength(event(t)).toString(16)}\r\n${event(t)}\r\n0\r\n\r\n`],
  'a chunk without its CRLF': [400, (t) => `${H(t)}Transfer-Encoding: chunked\r\n\r\n${Buffer.byteLength(event(t)).toString(16)}\r\n${event(t)}XX0\r\n\r\n`],
  'bare LF line ends': [400, (t) => `${H(t)}Content-Length: ${event(t).length}\r\n\r\n`.replaceAll('\r\n', '\n') + event(t)],
  'a NUL in a header value': [400, (t) => `${H(t)}X-Nul: a\u0000b\r\nContent-Length: ${event(t).length}\r\n\r\n${event(t)}`],
  'a 100 KB header (header flood)': [431, (t) => `${H(t)}X-Flood: ${'a'.repeat(100_000)}\r\nContent-Length: ${event(t).length}\r\n\r\n${event(t)}`],
  '3000 headers (header flood)': [431, (t) => `${H(t)}${Array.from({ length: 3000 }, (_, n) => `X-${n}: 1\r\n`).join('')}Content-Length: ${event(t).length}\r\n\r\n${event(t)}`],
  'a 20 KB chunk extension': [413, (t) => `${H(t)}Transfer-Encoding: chunked\r\n\r\n${Buffer.byteLength(event(t)).toString(16)};${'e'.repeat(20_000)}\r\n${event(t)}\r\n0\r\n\r\n`],
}

describe('smuggling attempts and header floods are refused and store nothing', () => {
  it.each(Object.entries(SMUGGLING))('%s', async (name, [status, wire]) => {
    const tag = `smuggle ${name}`
    const response = await withClient(async (client) => {
      await client.write(Buffer.from(wire(tag), 'latin1'))
      const answer = await client.response()
      await eventually(() => client.closed, 5_000, 'the server to close the connection')
      return answer
    })
    expect(response.status).toBe(status)
    expect(response.headers.connection).toBe('close')
    expect(await rowsFor(sluice, tag)).toBe(0)
  })
})
