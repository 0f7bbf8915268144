import { connect, type Socket } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { postEvents } from './support/post.ts'
import { RawClient } from './support/raw.ts'
import { eventually, startTestSluice, type TestSluice } from './support/sluice.ts'

const MiB = 1024 * 1024

/** Connections that send a head and part of a body, then stall; each remembers the status it got, if any. */
class Flood {
  readonly sockets: Socket[] = []
  readonly statuses: number[] = []

  /** Opens `count` connections, `batch` at a time so the listen backlog never overflows. */
  async open(url: string, count: number, head: string, body: string, batch = 200): Promise<void> {
    const { hostname, port } = new URL(url)
    for (let opened = 0; opened < count; opened += batch) {
      await Promise.all(
        Array.from({ length: Math.min(batch, count - opened) }, () =>
          new Promise<void>((resolve, reject) => {
            const socket = connect({ host: hostname, port: Number(port) }, () => {
              socket.write(head + body)
              resolve()
            })
            socket.setEncoding('latin1')
            socket.once('data', (chunk: string) => this.statuses.push(Number(chunk.split(' ')[1])))
            socket.once('error', reject)
            this.sockets.push(socket)
          }),
        ),
      )
    }
  }

  count(status: number): number {
    return this.statuses.filter((s) => s === status).length
  }

  close(): void {
    for (const socket of this.sockets) socket.destroy()
  }
}

const ingestHead = (length: number) =>
  `POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`

/** A well-behaved client: one event, waiting for its commit; the time it took, for the report. */
async function goodRequest(url: string): Promise<{ status: number; ms: number }> {
  const started = performance.now()
  const { status } = await postEvents(url, '{"good":"client"}', { 'content-type': 'application/json' }, '?wait=commit')
  return { status, ms: Math.round(performance.now() - started) }
}

/** A well-behaved client that honours Retry-After: it tries again after the time a 429 names, until served or `deadlineMs` has passed. */
async function politeRequest(url: string, deadlineMs: number): Promise<{ status: number; ms: number; tries: number }> {
  const started = performance.now()
  for (let tries = 1; ; tries++) {
    const { status, headers } = await postEvents(url, '{"good":"client"}', { 'content-type': 'application/json' }, '?wait=commit')
    const waitMs = Number(headers.get('retry-after')) * 1_000
    if (status !== 429 || performance.now() - started + waitMs > deadlineMs) return { status, ms: Math.round(performance.now() - started), tries }
    await new Promise((resolve) => setTimeout(resolve, waitMs))
  }
}

const rssMiB = () => Math.round(process.memoryUsage().rss / MiB)

describe('slow clients cannot lock others out', () => {
  let sluice: TestSluice
  beforeAll(async () => {
    sluice = await startTestSluice() // defaults: 1024 slots, 64 stalled per client, 1 s to stall
  })
  afterAll(() => sluice?.stop())

  it('lets a well-behaved client in while 2,000 connections hold a partial body and stall', async () => {
    // The minimum rate off, so only the stall shares can free the slots: without them the
    // flood would hold every slot until its body timeout (15 s), as it once did.
    const server = await startTestSluice({ bodyMinRate: 0 })
    const flood = new Flood()
    try {
      const rowsBefore = await server.rows()
      const started = performance.now()
      await flood.open(server.url, 2_000, ingestHead(1000), '{"a":"')
      // Until a body has been still for a second it cannot be told from a slow one: a
      // request then may get 429 with Retry-After, and one that honours it gets in.
      const good = await politeRequest(server.url, 30_000)
      const held = flood.sockets.length - flood.statuses.length
      expect(good.status).toBe(200)
      // Served while the flood still held connections open, not once its body timeout let go.
      expect(held).toBeGreaterThan(0)
      // Stalled requests past the shares were refused as they stalled, none taken.
      await eventually(() => flood.statuses.length === 2_000, 30_000, 'the body timeout to refuse the rest of the flood')
      expect(flood.count(408) + flood.count(429)).toBe(2_000)
      expect(flood.count(408)).toBeGreaterThan(0)
      expect(await server.rows()).toBe(rowsBefore + 1)
      console.info(`[measure] 2000 stalled: good request served after ${good.tries} tries in ${good.ms} ms with ${held} held open, ${Math.round(performance.now() - started)} ms after the flood began; 429 ${flood.count(429)}, 408 ${flood.count(408)}; rss ${rssMiB()} MiB`)
    } finally {
      flood.close()
      await server.stop()
    }
  }, 90_000)

  it('keeps half the slots for requests that make progress, even when stalled requests had filled them all', async () => {
    const small = await startTestSluice({ maxInflight: 8, bodyStallMs: 200, maxStalledPerClient: 100, bodyMinRate: 0 })
    const flood = new Flood()
    try {
      await flood.open(small.url, 8, ingestHead(1000), '{"a":"')
      await eventually(() => small.pipeline.inflightRequests === 8, 10_000, 'the slots to fill')
      const turnedAway = await postEvents(small.url, '{"too":"early"}')
      expect(turnedAway.status).toBe(429)
      // As they stall, those past half the slots are refused; the other half stay held.
      await eventually(() => flood.count(408) === 4, 10_000, 'stalled requests past the share to be refused')
      expect(small.pipeline.inflightRequests).toBe(4)
      const good = await goodRequest(small.url)
      expect(good.status).toBe(200)
      expect(small.pipeline.inflightRequests).toBe(4)
    } finally {
      flood.close()
      await small.stop()
    }
  })

  it('lets a well-behaved client in while 64 connections declare 1 MiB and send only headers', async () => {
    const flood = new Flood()
    try {
      await flood.open(sluice.url, 64, ingestHead(MiB), '')
      await eventually(() => sluice.pipeline.inflightRequests === 64, 10_000, 'the 64 to be admitted')
      // Bytes are counted as they arrive: 64 declared megabytes hold no part of the 64 MiB cap.
      expect(sluice.pipeline.gauges().inflight.bytes).toBe(0)
      const good = await goodRequest(sluice.url)
      expect(good.status).toBe(200)
      console.info(`[measure] 64 header-only 1 MiB: good request ${good.ms} ms; rss ${rssMiB()} MiB`)
    } finally {
      flood.close()
    }
    await eventually(() => sluice.pipeline.inflightRequests === 0, 10_000, 'the 64 to let go')
  })
})

describe('fair reading, each limit on its own', () => {
  it('refuses with 408 a body that keeps arriving, but under the minimum rate after the grace period', async () => {
    const server = await startTestSluice({ bodyMinRate: 1000, bodyMinRateGraceMs: 300, bodyStallMs: 60_000 })
    const client = await RawClient.open(server.url)
    let dripping = true
    try {
      client.head('POST', '/v1/events', { 'content-type': 'application/json', 'content-length': 10_000 })
      const answer = client.response(10_000)
      // ~100 bytes/s: never still long enough to stall, always too slow.
      void (async () => {
        for (let n = 0; dripping && n < 100 && !client.closed; n++) {
          await client.write('{"a":1}   '.slice(0, 10)).catch(() => {})
          await new Promise((resolve) => setTimeout(resolve, 100))
        }
      })()
      const response = await answer
      expect(response.status).toBe(408)
      expect(JSON.parse(response.body)).toMatchObject({ error: 'request_timeout' })
      expect(server.pipeline.stats.rejectedRequests.timeout).toBe(1)
      expect(await server.rows()).toBe(0)
    } finally {
      dripping = false
      client.close()
      await server.stop()
    }
  })

  it('holds stalled requests to the client share, and a stalled body that moves again is taken', async () => {
    const server = await startTestSluice({ maxStalledPerClient: 2, bodyStallMs: 200, bodyMinRate: 0 })
    const clients = await Promise.all([0, 1, 2].map(() => RawClient.open(server.url)))
    try {
      const body = '{"resumed":true}'
      for (const client of clients) {
        client.head('POST', '/v1/events?wait=commit', { 'content-type': 'application/json', 'content-length': body.length })
        await client.write(body.slice(0, 5))
      }
      // Two fit the share; the third to stall is refused.
      const answers = clients.map((client) => client.response(10_000).then((r) => r.status, () => 0))
      await eventually(() => server.pipeline.stats.rejectedRequests.timeout === 1, 10_000, 'one stalled request over the share to be refused')
      expect(server.pipeline.inflightRequests).toBe(2)
      const refused = (await Promise.race(answers.map((answer, at) => answer.then((status) => ({ status, at })))))
      expect(refused.status).toBe(408)
      const held = clients.filter((_, at) => at !== refused.at)
      for (const client of held) await client.write(body.slice(5))
      expect(await Promise.all(answers.filter((_, at) => at !== refused.at))).toEqual([200, 200])
      expect(await server.rows()).toBe(2)
    } finally {
      for (const client of clients) client.close()
      await server.stop()
    }
  })

  it('counts body bytes against the inflight cap as they arrive: over it is 429 overloaded', async () => {
    const server = await startTestSluice({ maxInflightBytes: 64 * 1024 })
    const first = await RawClient.open(server.url)
    const second = await RawClient.open(server.url)
    try {
      const event = `{"pad":"${'x'.repeat(40 * 1024)}"}`
      // Declared lengths are not reserved: both are admitted.
      first.head('POST', '/v1/events', { 'content-type': 'application/json', 'content-length': event.length + 10 })
      await first.write(event)
      await eventually(() => server.pipeline.gauges().inflight.bytes === event.length, 5_000, 'the first body to be counted')
      second.head('POST', '/v1/events', { 'content-type': 'application/json', 'content-length': event.length })
      await second.write(event)
      const response = await second.response(10_000)
      expect(response.status).toBe(429)
      expect(JSON.parse(response.body)).toMatchObject({ error: 'overloaded' })
      expect(server.pipeline.stats.rejectedRequests.overloaded).toBe(1)
    } finally {
      first.close()
      second.close()
      await server.stop()
    }
  })

  it("closes a connection whose request head never completes, on Node's own headers timeout", async () => {
    const server = await startTestSluice({ headersTimeoutMs: 300 })
    const client = await RawClient.open(server.url)
    try {
      client.socket.write('POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Ty')
      const response = await client.response(10_000)
      expect(response.status).toBe(408)
      await eventually(() => client.closed, 5_000, 'the connection to close')
    } finally {
      client.close()
      await server.stop()
    }
  })
})
