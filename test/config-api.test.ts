import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { EffectiveConfig } from '../shared/config.ts'
import { postEvents } from './support/post.ts'
import { SseClient } from './support/sse.ts'
import { startTestSluice, type TestSluice } from './support/sluice.ts'

const clients: SseClient[] = []
afterEach(() => {
  for (const client of clients.splice(0)) client.close()
})

async function patch(url: string, body: unknown, headers: Record<string, string> = {}) {
  const response = await fetch(`${url}/api/config`, {
    method: 'PATCH',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
    signal: AbortSignal.timeout(5_000),
  })
  return { status: response.status, body: (await response.json()) as Record<string, unknown> }
}

async function getConfig(url: string, headers: Record<string, string> = {}): Promise<EffectiveConfig> {
  const response = await fetch(`${url}/api/config`, { headers, signal: AbortSignal.timeout(5_000) })
  expect(response.status).toBe(200)
  return (await response.json()) as EffectiveConfig
}

describe('/api/config', () => {
  let sluice: TestSluice
  beforeAll(async () => {
    sluice = await startTestSluice({ tickMs: 50 })
  })
  afterAll(() => sluice?.stop())

  it('shows the live knobs and the settings fixed at start, and no token', async () => {
    const config = await getConfig(sluice.url)
    expect(config.live).toEqual({
      queueMaxEvents: sluice.config.queueMaxEvents,
      queueMaxBytes: sluice.config.queueMaxBytes,
      batchMaxEvents: sluice.config.batchMaxEvents,
      batchMaxBytes: sluice.config.batchMaxBytes,
      flushIntervalMs: sluice.config.flushIntervalMs,
      maxInflight: sluice.config.maxInflight,
      maxInflightBytes: sluice.config.maxInflightBytes,
      maxBodyBytes: sluice.config.maxBodyBytes,
      writer: 'copy',
      ack: 'queued',
      admission: sluice.config.admission,
      bodyReading: 'stream',
      dbLatencyMs: 0,
    })
    expect(config.fixed).toEqual({
      database: 'external',
      tokenRequired: false,
      maxEventBytes: sluice.config.maxEventBytes,
      maxEventDepth: sluice.config.maxEventDepth,
      queueHighWatermark: sluice.config.queueHighWatermark,
      tickMs: 50,
      historySeconds: sluice.config.historySeconds,
      sseMaxClients: sluice.config.sseMaxClients,
      drainTimeoutMs: sluice.config.drainTimeoutMs,
      dbPoolSize: sluice.config.dbPoolSize,
      durability: 'memory',
      pid: process.pid,
    })
  })

  it('applies a change at once, without a restart, and announces it on the stream', async () => {
    const client = await SseClient.open(sluice.url)
    clients.push(client)
    await client.hello()
    const answer = await patch(sluice.url, { maxBodyBytes: 100, ack: 'commit' })
    expect(answer.status).toBe(200)
    expect(answer.body).toMatchObject({ live: { maxBodyBytes: 100, ack: 'commit' } })
    expect(sluice.pipeline.knobs).toMatchObject({ maxBodyBytes: 100, ack: 'commit' })

    // The ingest route reads the knobs on every request.
    expect(await postEvents(sluice.url, JSON.stringify({ pad: 'x'.repeat(200) }))).toMatchObject({ status: 413, body: { limit: 100 } })
    expect(await postEvents(sluice.url, '{"small":1}')).toMatchObject({ status: 200, body: { committed: 1 } })

    await client.until(() => client.all('config').length === 1, 5_000, 'the config event')
    const [change] = client.all('config')
    expect(change!.changed).toEqual(['maxBodyBytes', 'ack'])
    expect(change!.config).toEqual(answer.body)
    expect(client.messages.find((m) => m.event === 'config')!.id).toBeUndefined()

    // A later hello carries the new config.
    const later = await SseClient.open(sluice.url)
    clients.push(later)
    expect((await later.hello()).config.live).toMatchObject({ maxBodyBytes: 100, ack: 'commit' })
    expect((await patch(sluice.url, { maxBodyBytes: sluice.config.maxBodyBytes, ack: 'queued' })).status).toBe(200)
  })

  it('switches the writer strategy live', async () => {
    expect((await patch(sluice.url, { writer: 'direct' })).status).toBe(200)
    const direct = await postEvents(sluice.url, '[{"w":1},{"w":2}]')
    expect(direct).toMatchObject({ status: 200, body: { accepted: 2, committed: 2 } })
    expect((await patch(sluice.url, { writer: 'copy' })).status).toBe(200)
    expect((await postEvents(sluice.url, '{"w":3}')).status).toBe(202)
  })

  const bad: Array<[string, unknown, string | null]> = [
    ['a number as a string', { batchMaxEvents: '100' }, 'batchMaxEvents'],
    ['a fraction', { flushIntervalMs: 2.5 }, 'flushIntervalMs'],
    ['below the minimum', { queueMaxEvents: 0 }, 'queueMaxEvents'],
    ['above the maximum', { dbLatencyMs: 60_001 }, 'dbLatencyMs'],
    ['a negative latency', { dbLatencyMs: -1 }, 'dbLatencyMs'],
    ['an unknown writer', { writer: 'fast' }, 'writer'],
    ['an unknown ack', { ack: 'never' }, 'ack'],
    ['a setting fixed at start', { tickMs: 10 }, 'tickMs'],
    ['an unknown field', { colour: 'blue' }, 'colour'],
    ['null', { maxInflight: null }, 'maxInflight'],
    ['an array body', [{ batchMaxEvents: 1 }], null],
    ['a JSON string body', '"batchMaxEvents"', null],
    ['a body that is not JSON', '{batchMaxEvents: 1', null],
  ]
  it.each(bad)('refuses %s with 400 naming the field, and changes nothing', async (_name, body, field) => {
    const before = await getConfig(sluice.url)
    // One good field beside the bad one: the patch is all or nothing.
    const withGood = typeof body === 'object' && body !== null && !Array.isArray(body) ? { batchMaxEvents: 7, ...body } : body
    const answer = await patch(sluice.url, withGood)
    expect(answer.status).toBe(400)
    expect(answer.body).toMatchObject({ error: 'invalid_config', field })
    expect(answer.body.detail).toEqual(expect.any(String))
    expect(await getConfig(sluice.url)).toEqual(before)
  })

  it('announces nothing for a refused patch', async () => {
    const client = await SseClient.open(sluice.url)
    clients.push(client)
    await client.hello()
    expect((await patch(sluice.url, { batchMaxEvents: 9, writer: 'nope' })).status).toBe(400)
    expect((await patch(sluice.url, { flushIntervalMs: 20 })).status).toBe(200)
    await client.until(() => client.all('config').length >= 1, 5_000, 'the config event')
    // The first config event on the stream is the good patch's.
    expect(client.all('config').map((c) => c.changed)).toEqual([['flushIntervalMs']])
    expect((await patch(sluice.url, { flushIntervalMs: sluice.config.flushIntervalMs })).status).toBe(200)
  })
})

describe('/api/config with a token', () => {
  let sluice: TestSluice
  beforeAll(async () => {
    sluice = await startTestSluice({ token: 's3cret' })
  })
  afterAll(() => sluice?.stop())

  it('needs the token to change anything, and a refusal is not an ingest rejection', async () => {
    const bearer = { authorization: 'Bearer s3cret' }
    const before = await getConfig(sluice.url, bearer)
    expect(before.fixed.tokenRequired).toBe(true)
    expect(JSON.stringify(before)).not.toContain('s3cret')
    expect(await patch(sluice.url, { batchMaxEvents: 10 })).toMatchObject({ status: 401, body: { error: 'unauthorized' } })
    expect(await patch(sluice.url, { batchMaxEvents: 10 }, { authorization: 'Bearer wrong' })).toMatchObject({ status: 401 })
    expect(await getConfig(sluice.url, bearer)).toEqual(before)
    expect(sluice.pipeline.stats.rejectedRequests.unauthorized).toBe(0)
    expect(sluice.pipeline.stats.requests).toBe(0)
    const annotation = await fetch(`${sluice.url}/api/annotations`, { method: 'POST', body: '{"text":"x"}' })
    expect(annotation.status).toBe(401)

    expect(await patch(sluice.url, { batchMaxEvents: 10 }, { authorization: 'Bearer s3cret' })).toMatchObject({ status: 200, body: { live: { batchMaxEvents: 10 } } })
    expect(sluice.pipeline.knobs.batchMaxEvents).toBe(10)
  })
})
