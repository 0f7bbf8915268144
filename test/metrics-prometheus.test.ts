import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseServerReading, serverFigures } from '../bench/server-metrics.ts'
import { REJECT_REASONS, FLUSH_TRIGGERS } from '../shared/ingest.ts'
import { parseExposition, valueOf, type Family } from './support/exposition.ts'
import { NDJSON, ndjson, postEvents } from './support/post.ts'
import { eventually, startTestSluice, type TestSluice } from './support/sluice.ts'

async function scrape(url: string): Promise<{ contentType: string | null; families: Map<string, Family> }> {
  const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) })
  expect(response.status).toBe(200)
  return { contentType: response.headers.get('content-type'), families: parseExposition(await response.text()) }
}

describe('GET /metrics', () => {
  let sluice: TestSluice
  beforeAll(async () => {
    // No tick by itself during the test: each test takes its ticks, so the two views are compared at one instant.
    sluice = await startTestSluice({ tickMs: 60_000, batchMaxEvents: 50 })
  })
  afterAll(() => sluice?.stop())

  it('is valid text exposition with the families DESIGN.md names, and process_* and nodejs_*', async () => {
    await postEvents(sluice.url, '{"a":1}', undefined, '?wait=commit')
    const { contentType, families } = await scrape(sluice.url)
    expect(contentType).toBe('text/plain; version=0.0.4; charset=utf-8')
    const types = Object.fromEntries([...families.values()].map((f) => [f.name, f.type]))
    expect(types).toMatchObject({
      sluice_requests_total: 'counter',
      sluice_events_accepted_total: 'counter',
      sluice_events_rejected_total: 'counter',
      sluice_events_committed_total: 'counter',
      sluice_queue_events: 'gauge',
      sluice_queue_bytes: 'gauge',
      sluice_queue_capacity_events: 'gauge',
      sluice_inflight_requests: 'gauge',
      sluice_flush_events: 'histogram',
      sluice_flush_seconds: 'histogram',
      sluice_flushes_total: 'counter',
      sluice_db_errors_total: 'counter',
      sluice_event_loop_delay_seconds: 'summary',
      sluice_request_duration_seconds: 'summary',
      sluice_request_duration_seconds_histogram: 'histogram',
      sluice_sse_clients: 'gauge',
      process_cpu_user_seconds_total: 'counter',
      process_resident_memory_bytes: 'gauge',
      nodejs_heap_size_used_bytes: 'gauge',
      nodejs_eventloop_lag_seconds: 'gauge',
    })
    for (const family of families.values()) expect(family.help, family.name).toBeTruthy()
    expect(families.get('sluice_events_rejected_total')!.samples.map((s) => s.labels.reason)).toEqual([...REJECT_REASONS])
    expect(families.get('sluice_event_loop_delay_seconds')!.samples.map((s) => s.labels.quantile ?? s.name)).toEqual([
      '0.5', '0.99', '1', 'sluice_event_loop_delay_seconds_sum', 'sluice_event_loop_delay_seconds_count',
    ])
  })

  it('agrees with the snapshot taken at the same moment', async () => {
    const ok = await Promise.all(Array.from({ length: 6 }, (_, r) => postEvents(sluice.url, ndjson(Array.from({ length: 20 }, (_, i) => ({ r, i }))), NDJSON)))
    expect(ok.every((r) => r.status === 202)).toBe(true)
    expect((await postEvents(sluice.url, '{"a":', { 'content-type': 'application/json' })).status).toBe(400)
    expect((await postEvents(sluice.url, 'x', { 'content-type': 'text/plain' })).status).toBe(415)
    await eventually(() => sluice.pipeline.gauges().queue.events === 0 && sluice.pipeline.stats.writerState === 'idle', 10_000, 'the queue written')

    const snapshot = sluice.telemetry.sampler.tick()
    const { families } = await scrape(sluice.url)
    const value = (name: string, labels?: Record<string, string>) => valueOf(families, name, labels)
    const { total } = snapshot
    expect(value('sluice_events_accepted_total')).toBe(total.eventsAccepted)
    expect(value('sluice_requests_accepted_total')).toBe(total.requestsAccepted)
    expect(value('sluice_bytes_accepted_total')).toBe(total.bytesAccepted)
    expect(value('sluice_events_committed_total')).toBe(total.eventsCommitted)
    expect(total.eventsCommitted).toBe(total.eventsAccepted)
    for (const reason of REJECT_REASONS) expect(value('sluice_events_rejected_total', { reason }), reason).toBe(total.rejected[reason])
    expect(total.rejected).toMatchObject({ invalid: 1, unsupported: 1 })
    for (const trigger of FLUSH_TRIGGERS) expect(value('sluice_flushes_total', { trigger }), trigger).toBe(total.flushes[trigger])
    const flushes = FLUSH_TRIGGERS.reduce((n, trigger) => n + total.flushes[trigger], 0)
    expect(value('sluice_flush_events_count')).toBe(flushes)
    expect(value('sluice_flush_seconds_count')).toBe(flushes)
    expect(value('sluice_flush_events_sum')).toBe(total.eventsCommitted)
    expect(value('sluice_db_errors_total')).toBe(total.dbErrors)
    expect(value('sluice_requests_total', { status: '202' })).toBe(total.requestsAccepted - 1)
    expect(value('sluice_requests_total', { status: '400' })).toBe(1)

    expect(value('sluice_queue_events')).toBe(snapshot.queue.events)
    expect(value('sluice_queue_bytes')).toBe(snapshot.queue.bytes)
    expect(value('sluice_queue_capacity_events')).toBe(snapshot.queue.capacityEvents)
    expect(value('sluice_inflight_requests')).toBe(snapshot.inflight.requests)
    expect(value('sluice_sse_clients')).toBe(snapshot.sse.clients)
    expect(value('sluice_writer_state', { state: snapshot.writer.state })).toBe(1)
    expect(value('sluice_writer_strategy', { strategy: snapshot.writer.strategy })).toBe(1)

    const loop = snapshot.eventLoop
    expect(value('sluice_event_loop_delay_seconds', { quantile: '0.5' }) * 1000).toBeCloseTo(loop.delayP50Ms, 9)
    expect(value('sluice_event_loop_delay_seconds', { quantile: '0.99' }) * 1000).toBeCloseTo(loop.delayP99Ms, 9)
    expect(value('sluice_event_loop_delay_seconds', { quantile: '1' }) * 1000).toBeCloseTo(loop.delayMaxMs, 9)
    expect(value('sluice_event_loop_utilization')).toBe(loop.utilization)
    expect(value('sluice_request_duration_seconds', { quantile: '0.5' }) * 1000).toBeCloseTo(snapshot.requestLatency.p50Ms!, 9)
    expect(value('sluice_request_duration_seconds', { quantile: '0.99' }) * 1000).toBeCloseTo(snapshot.requestLatency.p99Ms!, 9)
  })

  it('reports NaN quantiles for a tick without requests, and keeps counting since start', async () => {
    const before = valueOf((await scrape(sluice.url)).families, 'sluice_request_duration_seconds_count')
    await postEvents(sluice.url, '{"one":1}')
    const busy = sluice.telemetry.sampler.tick()
    expect(busy.requestLatency.count).toBe(1)
    const quiet = sluice.telemetry.sampler.tick()
    expect(quiet.requestLatency).toEqual({ count: 0, p50Ms: null, p99Ms: null })
    const { families } = await scrape(sluice.url)
    expect(valueOf(families, 'sluice_request_duration_seconds', { quantile: '0.5' })).toBeNaN()
    expect(valueOf(families, 'sluice_request_duration_seconds_count')).toBe(before + 1)
  })

  it('keeps request time by outcome in buckets since start, which the bench reads as a window', async () => {
    const text = async () => (await fetch(`${sluice.url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text()
    const before = parseServerReading(await text())
    expect((await postEvents(sluice.url, '{"one":1}')).status).toBe(202)
    expect((await postEvents(sluice.url, '{"a":', { 'content-type': 'application/json' })).status).toBe(400)
    expect((await postEvents(sluice.url, 'x', { 'content-type': 'text/plain' })).status).toBe(415)
    const after = await text()
    const families = parseExposition(after)
    const count = (outcome: string) => valueOf(families, 'sluice_request_duration_seconds_histogram_count', { outcome })
    expect(count('accepted') + count('refused')).toBe(valueOf(families, 'sluice_request_duration_seconds_count'))
    const window = serverFigures(before, parseServerReading(after))
    expect(window.accepted.count).toBe(1)
    expect(window.refused.count).toBe(2)
    expect(window.rejectedByReason).toEqual({ invalid: 1, unsupported: 1 })
    // A request on loopback takes well under the 10 s top bucket.
    expect(window.accepted.p99_beyond_last_bucket).toBe(false)
    expect(window.accepted.p99).toBeGreaterThan(0)
  })
})

describe('the exposition reader these tests use', () => {
  const ok = '# HELP a_total A.\n# TYPE a_total counter\na_total{k="v\\"q"} 3\n# TYPE h histogram\nh_bucket{le="1"} 1\nh_bucket{le="+Inf"} 2\nh_sum 3.5\nh_count 2\n'
  it('reads a valid exposition', () => {
    const families = parseExposition(ok)
    expect(valueOf(families, 'a_total', { k: 'v"q' })).toBe(3)
    expect(valueOf(families, 'h_count')).toBe(2)
  })

  it.each([
    ['no final newline', ok.slice(0, -1)],
    ['a sample without TYPE', `${ok}b 1\n`],
    ['a bad value', ok.replace('a_total{k="v\\"q"} 3', 'a_total{k="v\\"q"} three')],
    ['an unquoted label', ok.replace('{k="v\\"q"}', '{k=v}')],
    ['a bad name', ok.replace('a_total{', 'a-total{')],
    ['a repeated series', ok.replace('h_sum 3.5', 'h_sum 3.5\nh_sum 3.5')],
    ['a +Inf bucket that is not the count', ok.replace('h_count 2', 'h_count 3')],
    ['buckets out of order', ok.replace('h_bucket{le="1"} 1', 'h_bucket{le="1"} 5')],
    ['a family split in two', `${ok}a_total{k="w"} 1\n`],
  ])('rejects %s', (_name, text) => {
    expect(() => parseExposition(text)).toThrow()
  })
})
