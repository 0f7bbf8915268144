import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { RawClient, type RawResponse } from './support/raw.ts'
import { startTestSluice, type TestSluice } from './support/sluice.ts'

let sluice: TestSluice
beforeAll(async () => {
  sluice = await startTestSluice({ allowedHosts: ['sluice.example'] })
})
afterAll(() => sluice?.stop())

/** One request on a bare socket, with exactly these headers (Host included): what a browser or a rebinding page would send. */
async function send(method: string, path: string, headers: Record<string, string>, body = ''): Promise<RawResponse> {
  const client = await RawClient.open(sluice.url)
  try {
    const lines = [`${method} ${path} HTTP/1.1`, ...Object.entries({ ...headers, 'content-length': String(Buffer.byteLength(body)), connection: 'close' }).map(([k, v]) => `${k}: ${v}`)]
    client.socket.write(`${lines.join('\r\n')}\r\n\r\n${body}`)
    return await client.response(10_000)
  } finally {
    client.close()
  }
}

const own = () => new URL(sluice.url).host
const json = { 'content-type': 'application/json' }
const error = (response: RawResponse) => (JSON.parse(response.body) as { error: string }).error

describe('a web page cannot drive the control plane', () => {
  it('refuses a CORS simple request (text/plain) to start a burst with 415, and no burst starts', async () => {
    const spec = JSON.stringify({ preset: 'spike' })
    const response = await send('POST', '/api/bursts', { host: own(), 'content-type': 'text/plain' }, spec)
    expect(response.status).toBe(415)
    expect(error(response)).toBe('unsupported_media_type')
    expect(sluice.bursts.running).toBeUndefined()
  })

  it('refuses JSON from another origin with 403 forbidden, on every changing route', async () => {
    const evil = { host: own(), origin: 'http://evil.example', ...json }
    const answers = await Promise.all([
      send('POST', '/api/bursts', evil, JSON.stringify({ preset: 'spike' })),
      send('DELETE', '/api/bursts/anything', { host: own(), origin: 'http://evil.example' }),
      send('PATCH', '/api/config', evil, JSON.stringify({ maxInflight: 1 })),
      send('POST', '/api/annotations', evil, JSON.stringify({ text: 'pwned' })),
      send('POST', '/api/annotations', { ...evil, origin: 'null' }, JSON.stringify({ text: 'sandboxed' })),
    ])
    expect(answers.map((r) => [r.status, error(r)])).toEqual(Array(5).fill([403, 'forbidden']))
    expect(sluice.pipeline.knobs.maxInflight).toBe(sluice.config.maxInflight)
    expect(sluice.telemetry.annotations.recent()).toEqual([])
  })

  it('takes JSON from its own origin, and from tools that send no Origin', async () => {
    const fromPage = await send('POST', '/api/annotations', { host: own(), origin: `http://${own()}`, ...json }, JSON.stringify({ text: 'from the dashboard' }))
    expect(fromPage.status).toBe(201)
    const fromCurl = await send('PATCH', '/api/config', { host: own(), ...json }, JSON.stringify({ flushIntervalMs: 60 }))
    expect(fromCurl.status).toBe(200)
    expect(sluice.pipeline.knobs.flushIntervalMs).toBe(60)
  })

  it('refuses a PATCH of the config as text/plain with 415, and nothing changes', async () => {
    const response = await send('PATCH', '/api/config', { host: own(), 'content-type': 'text/plain' }, JSON.stringify({ maxInflight: 2 }))
    expect(response.status).toBe(415)
    expect(sluice.pipeline.knobs.maxInflight).toBe(sluice.config.maxInflight)
  })
})

describe('the server answers only to its own host names (DNS rebinding)', () => {
  it('refuses another Host with 403 forbidden on every route, reads and ingest included', async () => {
    const rowsBefore = await sluice.rows()
    const evil = { host: 'evil.example:8080', ...json }
    const answers = await Promise.all([
      send('PATCH', '/api/config', evil, JSON.stringify({ maxInflight: 3 })),
      send('POST', '/api/bursts', evil, JSON.stringify({ preset: 'spike' })),
      send('GET', '/api/config', { host: 'evil.example' }),
      send('GET', '/metrics', { host: 'evil.example' }),
      send('GET', '/api/stream', { host: 'evil.example' }),
      send('POST', '/v1/events', evil, '{"a":1}'),
    ])
    expect(answers.map((r) => [r.status, error(r)])).toEqual(Array(6).fill([403, 'forbidden']))
    expect(sluice.pipeline.knobs.maxInflight).toBe(sluice.config.maxInflight)
    expect(sluice.bursts.running).toBeUndefined()
    expect(await sluice.rows()).toBe(rowsBefore)
  })

  it('answers to loopback names, its bind address and SLUICE_ALLOWED_HOSTS, with or without a port', async () => {
    const port = new URL(sluice.url).port
    for (const host of [`localhost:${port}`, `127.0.0.1:${port}`, 'LOCALHOST', `[::1]:${port}`, 'sluice.example', `sluice.example.:${port}`]) {
      expect((await send('GET', '/api/config', { host })).status, host).toBe(200)
    }
  })
})
