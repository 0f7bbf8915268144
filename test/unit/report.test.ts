import { describe, expect, it } from 'vitest'
import type { BurstRecord, BurstSeriesPoint, BurstSummary } from '../../shared/bursts.ts'
import { renderReport } from '../../shared/report.ts'
import { niceTicks } from '../../shared/svg-chart.ts'

const point = (t: number, changes: Partial<BurstSeriesPoint> = {}): BurstSeriesPoint => ({
  t, durationMs: 1_000, target: 100, offeredRate: 100, sentRate: 100, achievedRate: 98, okRate: 90, inflight: 3,
  statuses: { 202: 90, 429: 8 }, errors: {}, late: 0, skipped: 0,
  latency: { count: 98, p50: 2, p90: 5, p95: 7, p99: 12, p999: 20, max: 30 },
  rssBytes: 120 * 1024 * 1024, loopDelayMaxMs: 4, cpu: { server: 0.5, database: 0.2, generator: 0.3 }, warmup: false,
  ...changes,
})

const summary = {
  id: 'run-1', name: 'queue-full-spike', status: 'finished', model: 'open', startedAt: Date.UTC(2026, 0, 2, 3, 4, 5), endedAt: null, durationMs: 3_000,
  requests: { intended: 300, sent: 300, answered: 294, late: 0, skipped: 0 }, byKind: { normal: { sent: 300, statuses: { 202: 270 } } },
  statuses: { 202: 270, 429: 24 }, errors: { reset: 6 }, eventsAccepted: 2_700,
  rates: { offered: 100, sent: 100, achieved: 98, ok: 90 },
  latency: { count: 294, p50: 2, p90: 5, p95: 7, p99: 12, p999: 20, max: 30 },
  server: { requestsByStatus: { 202: 270 }, rejectedByReason: { queue_full: 24 }, eventsAccepted: 2_700, peakRssBytes: 217_378_816, maxLoopDelayMs: 4 },
  generatorSaturated: false, generator: { pid: 1, cpuMeanCores: 0.3, cpuMaxCores: 0.4 }, warmupMs: 0,
  knobs: { queueMaxEvents: 20_000, dbLatencyMs: 500, writer: 'copy' },
} as unknown as BurstSummary

const record: BurstRecord = {
  id: 'run-1',
  spec: { model: 'open', shape: { kind: 'spike', base: 150, peak: 600, atMs: 1_000, forMs: 1_000 }, durationMs: 3_000, body: { eventsPerRequest: 50, eventBytes: 200, format: 'ndjson' }, knobs: { dbLatencyMs: 500 } },
  summary,
  series: [point(1_000), point(2_000), point(3_000)],
}

describe('the HTML report of a run', () => {
  it('is the same file every time it is made from the same record', () => {
    expect(renderReport(record)).toBe(renderReport(structuredClone(record)))
  })

  it('fetches nothing: no script to run, no stylesheet, image or font to load', () => {
    const html = renderReport(record)
    expect(html).not.toMatch(/<link|\bsrc=|url\(|@import/)
    expect(html.match(/<script[^>]*>/g)).toEqual(['<script type="application/json" id="sluice-run">'])
    expect(html).toContain(`content="default-src 'none'; style-src 'unsafe-inline'; img-src data:"`)
  })

  it('holds the figures in human units, a chart per series including CPU, and the configuration in force', () => {
    const html = renderReport(record)
    expect(html).toContain('<h1>Queue-full spike</h1>')
    expect(html).toContain('<dt>Peak RSS</dt><dd>207 MB</dd>')
    expect(html).toContain('<dt>Latency p95</dt><dd>7.00 ms</dd>')
    expect(html.match(/<svg role="img"/g)).toHaveLength(6)
    expect(html).toContain('id="chart-cpu"')
    expect(html).toContain('<dt>Knobs set for the run</dt><dd>dbLatencyMs = 500</dd>')
    expect(html).toContain('<dt>Every knob in force</dt><dd>queueMaxEvents = 20000, dbLatencyMs = 500, writer = copy</dd>')
    expect(html).toContain('started 2026-01-02 03:04:05 UTC')
  })

  it('escapes what the record says, in the page and in the embedded JSON', () => {
    const hostile = { ...record, summary: { ...summary, name: '<img src=x onerror=alert(1)>', error: '</script><script>alert(1)</script>' } }
    const html = renderReport(hostile)
    expect(html).not.toContain('<img')
    expect(html).toContain('&lt;img src=x onerror=alert(1)&gt;')
    expect(html.match(/<\/script>/g)).toHaveLength(1)
    const json = /<script type="application\/json" id="sluice-run">(.*)<\/script>/s.exec(html)![1]!
    expect((JSON.parse(json) as BurstRecord).summary.error).toBe('</script><script>alert(1)</script>')
  })

  it('draws what an older run has and leaves out what it never measured (p95, CPU)', () => {
    const older = { ...record, series: record.series.map(({ cpu: _cpu, ...p }) => ({ ...p, latency: { count: 98, p50: 2, p90: 5, p99: 12, max: 30 } })) as unknown as BurstSeriesPoint[] }
    const html = renderReport(older)
    expect(html).not.toContain('id="chart-cpu"')
    expect(html).not.toMatch(/<title>p95<\/title>/)
  })
})

describe('chart axes', () => {
  it('step in round numbers from zero past the highest value', () => {
    expect(niceTicks(95)).toEqual([0, 20, 40, 60, 80, 100])
    expect(niceTicks(0.9)).toEqual([0, 0.2, 0.4, 0.6, 0.8, 1])
    expect(niceTicks(0)).toEqual([0, 1])
  })
})
