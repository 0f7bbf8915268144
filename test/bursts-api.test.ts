import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BurstPreset, BurstProgress, BurstRecord, BurstSummary } from '../shared/bursts.ts'
import { api, endedBurst, expectAllAnswered, runBurst, SMALL_BODY, startBurst } from './support/bursts.ts'
import { startSluice, type Sluice } from '../server/sluice.ts'
import { eventually, freshDatabase, startTestSluice, testConfig, type TestSluice } from './support/sluice.ts'

let sluice: TestSluice
beforeAll(async () => {
  sluice = await startTestSluice({ burstMaxConnections: 50, burstMaxRate: 1_000, burstMaxDurationMs: 120_000 })
})
afterAll(() => sluice?.stop())

const steady = (level: number, durationMs: number) => ({ model: 'open', shape: { kind: 'steady', level }, durationMs, body: SMALL_BODY }) as const

describe('GET /api/presets', () => {
  it('lists every preset with a title, what to watch for and its spec, the seed experiments among them', async () => {
    const { status, body } = await api<{ presets: BurstPreset[] }>(sluice.url, 'GET', '/api/presets')
    expect(status).toBe(200)
    expect(body.presets.map((p) => p.title)).toEqual(expect.arrayContaining([
      'Level 0: insert per request', 'Concurrency is not throughput', 'Queue-full spike', '20 MB payloads', 'Slow clients', 'Steady below the knee', 'Ramp to collapse',
      'Buffered vs streamed bodies', 'Writers compared', 'Batch size and flush interval', 'Inflight cap on and off', 'Admission off and adaptive',
    ]))
    for (const preset of body.presets) {
      expect(preset.watch.length).toBeGreaterThan(20)
      expect(preset.spec.durationMs).toBeGreaterThan(0)
    }
    const level0 = body.presets.find((p) => p.name === 'level-0-insert-per-request')!
    expect(level0.spec.knobs).toEqual({ writer: 'direct' })
    const concurrency = body.presets.find((p) => p.name === 'concurrency-is-not-throughput')!
    expect(concurrency.spec).toMatchObject({ model: 'closed', shape: { kind: 'step', levels: expect.arrayContaining([10, 1000]) } })
  })
})

describe('POST /api/bursts validation', () => {
  const cases: Array<[string, unknown, string, string | null]> = [
    ['a negative rate', { spec: steady(-5, 1_000) }, 'invalid_spec', 'shape.level'],
    ['a 10-hour duration', { spec: steady(10, 36_000_000) }, 'invalid_spec', 'durationMs'],
    ['a rate over the cap', { spec: steady(5_000, 1_000) }, 'invalid_spec', 'shape.level'],
    ['more connections than the cap', { spec: { ...steady(51, 1_000), model: 'closed' } }, 'invalid_spec', 'shape.level'],
    ['a fractional connection count', { spec: { ...steady(2.5, 1_000), model: 'closed' } }, 'invalid_spec', 'shape.level'],
    ['an unknown model', { spec: { ...steady(10, 1_000), model: 'half-open' } }, 'invalid_spec', 'model'],
    ['bad shares over 1', { spec: { ...steady(10, 1_000), bad: { malformed: 0.6, disconnect: 0.6 } } }, 'invalid_spec', 'bad'],
    ['an unknown bad kind', { spec: { ...steady(10, 1_000), bad: { teapot: 0.1 } } }, 'invalid_spec', 'bad.teapot'],
    ['an unknown field', { spec: { ...steady(10, 1_000), target: 'http://example.com' } }, 'invalid_spec', 'target'],
    ['a level that stays at zero', { spec: steady(0, 1_000) }, 'invalid_spec', 'shape'],
    ['a spike past the end', { spec: { ...steady(10, 1_000), shape: { kind: 'spike', base: 1, peak: 10, atMs: 900, forMs: 500 } } }, 'invalid_spec', 'shape.forMs'],
    ['a bad writer knob', { spec: { ...steady(10, 1_000), knobs: { writer: 'fast' } } }, 'invalid_spec', 'knobs.writer'],
    ['both a preset and a spec', { preset: 'steady-at-80', spec: steady(10, 1_000) }, 'invalid_spec', ''],
    ['neither', {}, 'invalid_spec', ''],
  ]
  it.each(cases)('refuses %s with 400', async (_name, request, error, field) => {
    const { status, body } = await api(sluice.url, 'POST', '/api/bursts', request)
    expect(status).toBe(400)
    expect(body).toMatchObject({ error, field })
  })

  it('refuses an unknown preset and a body that is not JSON', async () => {
    expect(await api(sluice.url, 'POST', '/api/bursts', { preset: 'make-it-fast' })).toMatchObject({ status: 400, body: { error: 'unknown_preset', preset: 'make-it-fast' } })
    expect(await api(sluice.url, 'POST', '/api/bursts', '{"spec": ')).toMatchObject({ status: 400, body: { error: 'invalid_spec' } })
  })

  it('checks presets against this server\'s caps too', async () => {
    // concurrency-is-not-throughput steps to 1000 connections; this server allows 50.
    expect(await api(sluice.url, 'POST', '/api/bursts', { preset: 'concurrency-is-not-throughput' })).toMatchObject({ status: 400, body: { error: 'invalid_spec', field: 'shape.levels.2' } })
  })

  it('starts nothing when it refuses', async () => {
    const { body } = await api<{ running: string | null }>(sluice.url, 'GET', '/api/bursts')
    expect(body.running).toBeNull()
  })
})

describe('a burst through the API', () => {
  it('answers 201 with the id, 409 while it runs, then keeps spec, per-second series and summary', async () => {
    const events: BurstProgress[] = []
    const unsubscribe = sluice.bursts.onProgress((progress) => events.push(progress))
    try {
      const spec = steady(50, 2_000)
      const started = await api<{ id: string; summary: BurstSummary }>(sluice.url, 'POST', '/api/bursts', { spec })
      expect(started.status).toBe(201)
      expect(started.body.summary).toMatchObject({ id: started.body.id, name: 'custom', status: 'running' })
      expect(await api(sluice.url, 'POST', '/api/bursts', { spec })).toMatchObject({ status: 409, body: { error: 'burst_running', id: started.body.id } })

      const record = await endedBurst(sluice.url, started.body.id)
      expect(record.spec).toEqual(spec)
      expect(record.summary.status).toBe('finished')
      const sent = expectAllAnswered(record.summary, 100, 202)
      expect(record.summary.eventsAccepted).toBe(sent * SMALL_BODY.eventsPerRequest)
      expect(record.series.length).toBeGreaterThanOrEqual(2)
      expect(record.series.reduce((n, point) => n + (point.statuses['202'] ?? 0), 0)).toBe(sent)
      expect(record.series[0]!.rssBytes).toBeGreaterThan(0)
      expect(record.summary.server.peakRssBytes).toBeGreaterThan(0)

      // Lifecycle and ticks went to subscribers.
      const phases = events.filter((e) => e.id === started.body.id).map((e) => e.phase)
      expect(phases[0]).toBe('started')
      expect(phases.at(-1)).toBe('finished')
      expect(phases.filter((p) => p === 'tick').length).toBeGreaterThanOrEqual(4)
      const tick = events.find((e) => e.phase === 'tick')
      expect(tick).toMatchObject({ window: { offeredRate: expect.any(Number), latency: { p99: expect.any(Number) } }, server: { rssBytes: expect.any(Number) } })
    } finally {
      unsubscribe()
    }
  })

  it('lists runs newest first, and gives the series as CSV', async () => {
    const first = await runBurst(sluice.url, steady(20, 1_000))
    const second = await runBurst(sluice.url, { ...steady(2, 1_000), model: 'closed' })
    const { body } = await api<{ bursts: BurstSummary[] }>(sluice.url, 'GET', '/api/bursts')
    const ids = body.bursts.map((b) => b.id)
    expect(ids.indexOf(second.id)).toBeLessThan(ids.indexOf(first.id))
    expect(body.bursts.find((b) => b.id === first.id)).toMatchObject({ status: 'finished', model: 'open' })

    const csv = await api<string>(sluice.url, 'GET', `/api/bursts/${first.id}?format=csv`)
    expect(csv.status).toBe(200)
    const [header, ...rows] = csv.body.trim().split('\n')
    expect(header).toMatch(/^t_s,target,offered_rps,.*p99_ms.*status_202/)
    expect(rows.length).toBeGreaterThanOrEqual(1)
    const column = header!.split(',').indexOf('status_202')
    expect(rows.reduce((n, row) => n + Number(row.split(',')[column]), 0)).toBe(20)
  })

  it('answers 404 for an unknown burst', async () => {
    expect((await api(sluice.url, 'GET', '/api/bursts/nope')).status).toBe(404)
    expect((await api(sluice.url, 'DELETE', '/api/bursts/nope')).status).toBe(404)
  })

  it('sets its knobs for the run and puts them back after', async () => {
    expect(sluice.pipeline.knobs.writer).toBe('copy')
    const id = await startBurst(sluice.url, { ...steady(20, 1_000), knobs: { writer: 'direct', dbLatencyMs: 5 } })
    expect(sluice.pipeline.knobs).toMatchObject({ writer: 'direct', dbLatencyMs: 5 })
    const record = await endedBurst(sluice.url, id)
    await eventually(() => sluice.pipeline.knobs.writer === 'copy', 2_000, 'the writer to come back')
    expect(sluice.pipeline.knobs.dbLatencyMs).toBe(0)
    // The direct writer answers 200: committed.
    expectAllAnswered(record.summary, 20, 200)
  })
})

describe('GET /api/stream', () => {
  it('carries the burst\'s lifecycle and ticks as `burst` events, and its knobs as `config` events', async () => {
    const stream = await openStream(sluice.url)
    try {
      const id = await startBurst(sluice.url, { ...steady(20, 1_000), knobs: { dbLatencyMs: 3 } })
      await eventually(() => stream.events.some((e) => e.event === 'burst' && e.data.id === id && e.data.phase === 'finished'), 10_000, 'a finished burst event')
      await eventually(() => stream.events.filter((e) => e.event === 'config').length >= 2, 5_000, 'the knob to come back')
      const phases = stream.events.filter((e) => e.event === 'burst' && e.data.id === id).map((e) => e.data.phase)
      expect(phases[0]).toBe('started')
      expect(phases.filter((p) => p === 'tick').length).toBeGreaterThanOrEqual(2)
      expect(phases.at(-1)).toBe('finished')
      const configs = stream.events.filter((e) => e.event === 'config').map((e) => [e.data.changed, e.data.config.live.dbLatencyMs])
      expect(configs).toEqual([[['dbLatencyMs'], 3], [['dbLatencyMs'], 0]])
    } finally {
      stream.close()
    }
  })
})

describe('DELETE /api/bursts/:id', () => {
  it('stops a burst and its connections within a second', async () => {
    const before = sluice.pipeline.stats.requests
    const id = await startBurst(sluice.url, { model: 'closed', shape: { kind: 'steady', level: 20 }, durationMs: 60_000, body: SMALL_BODY, ack: 'commit' })
    await eventually(() => sluice.pipeline.stats.requests > before + 50, 10_000, 'the burst to get going')
    expect(await serverConnections(sluice.url)).toBeGreaterThan(0)

    const asked = performance.now()
    const stopped = await api<{ summary: BurstSummary }>(sluice.url, 'DELETE', `/api/bursts/${id}`)
    expect(stopped.status).toBe(200)
    expect(stopped.body.summary).toMatchObject({ status: 'stopped' })
    await eventually(async () => sluice.pipeline.inflightRequests === 0 && (await serverConnections(sluice.url)) === 0, Math.max(0, 1_000 - (performance.now() - asked)), 'its connections to close')
    const after = sluice.pipeline.stats.requests
    await new Promise((resolve) => setTimeout(resolve, 200))
    expect(sluice.pipeline.stats.requests).toBe(after)

    const { body } = await api<{ running: string | null }>(sluice.url, 'GET', '/api/bursts')
    expect(body.running).toBeNull()
    // Stopping again is harmless and tells the same.
    expect(await api(sluice.url, 'DELETE', `/api/bursts/${id}`)).toMatchObject({ status: 200, body: { summary: { status: 'stopped' } } })
  })
})

describe('with SLUICE_TOKEN', () => {
  let guarded: TestSluice
  beforeAll(async () => {
    guarded = await startTestSluice({ token: 's3cret' })
  })
  afterAll(() => guarded?.stop())
  const auth = { authorization: 'Bearer s3cret' }

  it('refuses control calls without the token, without counting them as ingest requests', async () => {
    expect(await api(guarded.url, 'GET', '/api/presets')).toMatchObject({ status: 401, body: { error: 'unauthorized' } })
    expect(await api(guarded.url, 'POST', '/api/bursts', { preset: 'steady-at-80' })).toMatchObject({ status: 401 })
    expect(await api(guarded.url, 'GET', '/api/bursts')).toMatchObject({ status: 401 })
    expect(guarded.pipeline.stats.requests).toBe(0)
  })

  it('runs a burst whose requests carry the token', async () => {
    const started = await api<{ id: string }>(guarded.url, 'POST', '/api/bursts', { spec: steady(20, 1_000) }, auth)
    expect(started.status).toBe(201)
    let record: BurstRecord | undefined
    await eventually(async () => {
      record = (await api<BurstRecord>(guarded.url, 'GET', `/api/bursts/${started.body.id}`, undefined, auth)).body
      return record.summary.status !== 'running'
    }, 10_000, 'the burst to end')
    expectAllAnswered(record!.summary, 20, 202)
  })
})

/** Established TCP connections whose server side is this server's port (Linux /proc). */
async function serverConnections(url: string): Promise<number> {
  const { readFile } = await import('node:fs/promises')
  const port = Number(new URL(url).port).toString(16).toUpperCase().padStart(4, '0')
  const table = await readFile('/proc/net/tcp', 'utf8')
  return table.split('\n').slice(1).filter((line) => {
    const fields = line.trim().split(/\s+/)
    return fields[1]?.endsWith(`:${port}`) && fields[3] === '01'
  }).length
}

describe('history', () => {
  it('survives a restart of the server, and a run cut short by a crash is marked failed', async () => {
    const database = await freshDatabase()
    const config = testConfig(database.url)
    let first: Sluice | undefined
    let second: Sluice | undefined
    try {
      first = await startSluice(config)
      const done = await runBurst(first.url, steady(10, 500))
      // A run still `running` in the table is what a killed process leaves behind.
      await first.sql`insert into bursts (id, name, status, started_at, spec, summary)
        values ('crashed', 'custom', 'running', now(), '{}'::jsonb, '{"id": "crashed", "status": "running"}'::jsonb)`
      await first.close()
      first = undefined

      second = await startSluice(config)
      const { body } = await api<{ bursts: BurstSummary[] }>(second.url, 'GET', '/api/bursts')
      expect(body.bursts.find((b) => b.id === done.id)).toMatchObject({ status: 'finished', requests: done.requests })
      expect(body.bursts.find((b) => b.id === 'crashed')).toMatchObject({ status: 'failed' })
      const record = await api<BurstRecord>(second.url, 'GET', `/api/bursts/${done.id}`)
      expect(record.body.series.length).toBeGreaterThanOrEqual(1)
    } finally {
      await first?.close()
      await second?.close()
      await database.drop()
    }
  })
})

interface StreamEvent {
  event: string
  // Several event shapes are read field by field; typing each would say nothing more.
  data: any
}

/** Reads GET /api/stream on a raw request, collecting events until close(). */
async function openStream(url: string): Promise<{ events: StreamEvent[]; close(): void }> {
  const { request } = await import('node:http')
  const events: StreamEvent[] = []
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/stream`, { agent: false })
    const timer = setTimeout(() => req.destroy(new Error('no stream within 5 s')), 5_000)
    req.on('error', reject)
    req.on('response', (res) => {
      clearTimeout(timer)
      let buffer = ''
      res.setEncoding('utf8')
      res.on('error', () => {})
      res.on('data', (chunk: string) => {
        buffer += chunk
        for (let end = buffer.indexOf('\n\n'); end !== -1; end = buffer.indexOf('\n\n')) {
          const frame = buffer.slice(0, end)
          buffer = buffer.slice(end + 2)
          const event = /^event: (.*)$/m.exec(frame)?.[1]
          const data = /^data: (.*)$/m.exec(frame)?.[1]
          if (event && data && event !== 'metrics' && event !== 'hello') events.push({ event, data: JSON.parse(data) })
        }
      })
      resolve({ events, close: () => req.destroy() })
    })
    req.end()
  })
}
