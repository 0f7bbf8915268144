import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import type { MetricsSnapshot } from '../shared/metrics.ts'
import { NDJSON, ndjson, postEvents } from './support/post.ts'
import { SseClient } from './support/sse.ts'
import { eventually, startTestSluice, type TestSluice } from './support/sluice.ts'

const events = (n: number, tag: string) => Array.from({ length: n }, (_, i) => ({ type: tag, i }))
const sum = (snapshots: MetricsSnapshot[], pick: (s: MetricsSnapshot) => number) => snapshots.reduce((total, s) => total + pick(s), 0)

const clients: SseClient[] = []
async function stream(url: string): Promise<SseClient> {
  const client = await SseClient.open(url)
  clients.push(client)
  return client
}
afterEach(() => {
  for (const client of clients.splice(0)) client.close()
})

describe('counts over ticks', () => {
  let sluice: TestSluice
  beforeAll(async () => {
    sluice = await startTestSluice({ tickMs: 50 })
  })
  afterAll(() => sluice?.stop())

  it('shows a burst of N accepted events as exactly N accepted and N committed over the ticks', async () => {
    const client = await stream(sluice.url)
    const [baseline] = await client.nextMetrics(1)
    const requests = 25
    const perRequest = 40
    const answers = await Promise.all(Array.from({ length: requests }, (_, r) => postEvents(sluice.url, ndjson(events(perRequest, `burst-${r}`)), NDJSON)))
    expect(answers.map((a) => a.status)).toEqual(Array(requests).fill(202))
    const n = requests * perRequest
    const last = await client.snapshotWhere((s) => s.total.eventsCommitted >= baseline!.total.eventsCommitted + n, 10_000, 'the burst committed')

    const after = client.metrics().filter((s) => s.seq > baseline!.seq && s.seq <= last.seq)
    expect(after.map((s) => s.seq)).toEqual(Array.from({ length: after.length }, (_, i) => baseline!.seq + 1 + i))
    expect(sum(after, (s) => s.tick.eventsAccepted)).toBe(n)
    expect(sum(after, (s) => s.tick.requestsAccepted)).toBe(requests)
    expect(sum(after, (s) => s.tick.eventsCommitted)).toBe(n)
    expect(sum(after, (s) => s.flushes.reduce((total, f) => total + f.events, 0))).toBe(n)
    expect(await sluice.rows()).toBe(n)
  })

  it('computes rates from the counts over the real elapsed time of each tick', async () => {
    const client = await stream(sluice.url)
    await client.nextMetrics(1)
    await postEvents(sluice.url, ndjson(events(300, 'rate')), NDJSON, '?wait=commit')
    const busy = await client.snapshotWhere((s) => s.tick.eventsAccepted > 0, 10_000, 'a tick with accepted events')
    for (const s of client.metrics()) {
      expect(s.elapsedMs).toBeGreaterThan(0)
      // Rates are rounded to 0.01/s.
      expect(Math.abs(s.perSec.eventsAccepted - (s.tick.eventsAccepted * 1000) / s.elapsedMs)).toBeLessThanOrEqual(0.005)
      expect(Math.abs(s.perSec.eventsCommitted - (s.tick.eventsCommitted * 1000) / s.elapsedMs)).toBeLessThanOrEqual(0.005)
    }
    expect(busy.perSec.eventsAccepted).toBeCloseTo((busy.tick.eventsAccepted * 1000) / busy.elapsedMs, 1)
  })

  it('records the server-side latency of the ingest requests that finished in a tick', async () => {
    const client = await stream(sluice.url)
    await client.nextMetrics(1)
    const from = client.metrics().length
    for (let i = 0; i < 5; i++) await postEvents(sluice.url, '{"latency":1}')
    await eventually(() => sum(client.metrics().slice(from), (s) => s.requestLatency.count) >= 5, 10_000, 'five requests timed')
    const timed = client.metrics().slice(from).filter((s) => s.requestLatency.count > 0)
    expect(sum(timed, (s) => s.requestLatency.count)).toBe(5)
    for (const s of timed) {
      expect(s.requestLatency.p50Ms).toBeGreaterThan(0)
      expect(s.requestLatency.p99Ms).toBeGreaterThanOrEqual(s.requestLatency.p50Ms!)
    }
    expect(client.metrics().slice(from).filter((s) => s.requestLatency.count === 0).every((s) => s.requestLatency.p50Ms === null)).toBe(true)
  })

  it('reports memory, the writer and itself as a stream client', async () => {
    const client = await stream(sluice.url)
    // Clients of earlier tests may still be on their way out, and their events on their way
    // to the database (slowly, on a busy machine): once both are done, the writer is idle.
    const s = await client.snapshotWhere((snapshot) => snapshot.sse.clients === 1 && snapshot.writer.state === 'idle', 10_000, 'this client alone and the writer idle')
    expect(s!.memory.rssBytes).toBeGreaterThan(s!.memory.heapUsedBytes)
    expect(s!.memory.heapTotalBytes).toBeGreaterThanOrEqual(s!.memory.heapUsedBytes)
    expect(s!.memory.externalBytes).toBeGreaterThan(0)
    expect(s!.writer).toEqual({ strategy: 'copy', state: 'idle' })
    expect(s!.lifecycle).toBe('serving')
    expect(s!.queue).toMatchObject({ events: 0, bytes: 0, capacityEvents: sluice.config.queueMaxEvents, capacityBytes: sluice.config.queueMaxBytes, oldestAgeMs: 0 })
  })

  it('shows a loop blocked for 100 ms as a delay of at least that much', async () => {
    const client = await stream(sluice.url)
    await client.nextMetrics(2)
    const blockedAt = Date.now()
    // The server runs in this process: holding its thread is what a slow handler would do.
    const end = performance.now() + 100
    while (performance.now() < end) {
      // spin
    }
    await client.until(() => client.metrics().filter((s) => s.time > blockedAt).length >= 3, 10_000, 'three ticks after the block')
    const after = client.metrics().filter((s) => s.time > blockedAt)
    const worst = Math.max(...after.map((s) => s.eventLoop.delayMaxMs))
    expect(worst).toBeGreaterThanOrEqual(95)
    // 100 ms busy in a tick of at most about 50 + 100 ms.
    expect(Math.max(...after.map((s) => s.eventLoop.utilization))).toBeGreaterThan(0.5)
    for (const s of after) {
      expect(s.eventLoop.delayP50Ms).toBeLessThanOrEqual(s.eventLoop.delayP99Ms)
      expect(s.eventLoop.delayP99Ms).toBeLessThanOrEqual(s.eventLoop.delayMaxMs)
    }
  })
})

describe('flush triggers', () => {
  let sluice: TestSluice
  beforeAll(async () => {
    sluice = await startTestSluice({ tickMs: 50, batchMaxEvents: 100, flushIntervalMs: 300 })
  })
  afterAll(() => sluice?.stop())

  it('records a full batch as size and a lone small one as interval', async () => {
    const client = await stream(sluice.url)
    await client.nextMetrics(1)
    await postEvents(sluice.url, ndjson(events(100, 'full')), NDJSON, '?wait=commit')
    const full = await client.snapshotWhere((s) => s.flushes.length > 0, 10_000, 'the full batch')
    expect(full.flushes).toHaveLength(1)
    expect(full.flushes[0]).toMatchObject({ events: 100, trigger: 'size', retries: 0 })
    expect(full.flushes[0]!.bytes).toBeGreaterThan(100 * 10)
    expect(full.flushes[0]!.durationMs).toBeGreaterThan(0)

    await postEvents(sluice.url, ndjson(events(3, 'few')), NDJSON, '?wait=commit')
    const small = await client.snapshotWhere((s) => s.seq > full.seq && s.flushes.length > 0, 10_000, 'the small batch')
    expect(small.flushes).toEqual([expect.objectContaining({ events: 3, trigger: 'interval' })])
    expect(small.total.flushes).toMatchObject({ size: full.total.flushes.size, interval: full.total.flushes.interval + 1 })
  })

  it('writes what is queued at shutdown with trigger drain, and the last tick shows it', async () => {
    const closing = await startTestSluice({ tickMs: 50, flushIntervalMs: 60_000 })
    const client = await stream(closing.url)
    try {
      await client.nextMetrics(1)
      expect((await postEvents(closing.url, ndjson(events(7, 'late')), NDJSON)).status).toBe(202)
      await client.snapshotWhere((s) => s.queue.events === 7, 10_000, 'the events queued')
    } finally {
      await closing.stop()
    }
    await client.until(() => client.ended, 10_000, 'the stream to end')
    const last = client.metrics().at(-1)!
    expect(last.lifecycle).toBe('stopped')
    expect(last.queue.events).toBe(0)
    const drained = client.metrics().flatMap((s) => s.flushes)
    expect(drained).toEqual([expect.objectContaining({ events: 7, trigger: 'drain' })])
  })
})

describe('rejections', () => {
  let sluice: TestSluice
  beforeAll(async () => {
    sluice = await startTestSluice({ tickMs: 50, queueMaxEvents: 10, flushIntervalMs: 0 })
  })
  afterAll(() => sluice?.stop())

  it('counts a forced queue-full under queue_full', async () => {
    const client = await stream(sluice.url)
    const [baseline] = await client.nextMetrics(1)
    // A slow database holds the writer on each batch while the next requests fill the queue.
    expect((await fetch(`${sluice.url}/api/config`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dbLatencyMs: 2_000 }) })).status).toBe(200)
    const answers: Array<[number, unknown]> = []
    for (let i = 0; i < 100 && answers.filter(([status]) => status === 429).length < 4; i++) {
      const answer = await postEvents(sluice.url, ndjson(events(1, 'fill')), NDJSON)
      answers.push([answer.status, answer.body.error])
    }
    const refused = answers.filter(([status]) => status === 429)
    expect(refused).toEqual(Array(4).fill([429, 'queue_full']))
    expect(answers.every(([status]) => status === 202 || status === 429)).toBe(true)

    const full = await client.snapshotWhere((s) => s.total.rejected.queue_full >= baseline!.total.rejected.queue_full + 4, 10_000, 'the refusals counted')
    const since = client.metrics().filter((s) => s.seq > baseline!.seq && s.seq <= full.seq)
    expect(sum(since, (s) => s.tick.rejected.queue_full)).toBe(4)
    expect(sum(since, (s) => s.tick.rejected.overloaded)).toBe(0)
    expect(sum(since, (s) => s.tick.requestsAccepted)).toBe(answers.length - 4)
    expect(since.some((s) => s.queue.events === 10 && s.queue.capacityEvents === 10)).toBe(true)
    const refusing = since.find((s) => s.tick.rejected.queue_full > 0)!
    expect(refusing.perSec.rejected.queue_full).toBeCloseTo((refusing.tick.rejected.queue_full * 1000) / refusing.elapsedMs, 1)
    expect((await fetch(`${sluice.url}/api/config`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dbLatencyMs: 0 }) })).status).toBe(200)
  })
})
