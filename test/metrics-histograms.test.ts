import { readFile } from 'node:fs/promises'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { runBurst, SMALL_BODY } from './support/bursts.ts'
import { parseExposition, valueOf, type Family } from './support/exposition.ts'
import { NDJSON, ndjson, postEvents } from './support/post.ts'
import { eventually, startTestSluice, type TestSluice } from './support/sluice.ts'

let sluice: TestSluice
beforeAll(async () => {
  sluice = await startTestSluice({ burstMaxConnections: 20, burstMaxRate: 1_000 })
})
afterAll(() => sluice?.stop())

async function scrape(): Promise<Map<string, Family>> {
  const response = await fetch(`${sluice.url}/metrics`, { signal: AbortSignal.timeout(5_000) })
  expect(response.status).toBe(200)
  return parseExposition(await response.text())
}

/** The buckets of one series of a histogram family, in the order exposed, as [le, cumulative count]. */
function buckets(family: Family, labels: Record<string, string> = {}): Array<[number, number]> {
  return family.samples
    .filter((s) => s.name === `${family.name}_bucket` && Object.entries(labels).every(([k, v]) => s.labels[k] === v))
    .map((s) => [s.labels.le === '+Inf' ? Infinity : Number(s.labels.le), s.value])
}

describe('event-loop delay as a Prometheus histogram', () => {
  it('has buckets that grow with le, a +Inf bucket equal to _count, and counts on continuously', async () => {
    const first = await scrape()
    const family = first.get('sluice_event_loop_delay_seconds_histogram')!
    expect(family.type).toBe('histogram')
    const before = buckets(family)
    expect(before.length).toBeGreaterThan(5)
    for (let i = 1; i < before.length; i++) {
      expect(before[i]![0]).toBeGreaterThan(before[i - 1]![0])
      expect(before[i]![1]).toBeGreaterThanOrEqual(before[i - 1]![1])
    }
    expect(before.at(-1)).toEqual([Infinity, valueOf(first, 'sluice_event_loop_delay_seconds_histogram_count')])

    // Load, then a stall the probe must see: a whole 60 ms block lands in a bucket above 50 ms.
    const posts = await Promise.all(Array.from({ length: 5 }, (_, r) => postEvents(sluice.url, ndjson(Array.from({ length: 50 }, (_, i) => ({ r, i }))), NDJSON)))
    expect(posts.every((p) => p.status === 202)).toBe(true)
    const blockUntil = performance.now() + 60
    while (performance.now() < blockUntil) {
      // Holding the event loop on purpose.
    }
    await new Promise((resolve) => setTimeout(resolve, 50))

    const second = await scrape()
    const after = buckets(second.get('sluice_event_loop_delay_seconds_histogram')!)
    const count = valueOf(second, 'sluice_event_loop_delay_seconds_histogram_count')
    expect(count).toBeGreaterThan(before.at(-1)![1])
    expect(after.at(-1)).toEqual([Infinity, count])
    // Since start, not a window: no bucket ever goes down.
    after.forEach(([le, n], i) => {
      expect(le).toBe(before[i]![0])
      expect(n).toBeGreaterThanOrEqual(before[i]![1])
    })
    const over50ms = (series: Array<[number, number]>) => series.at(-1)![1] - series.find(([le]) => le === 0.05)![1]
    expect(over50ms(after)).toBeGreaterThan(over50ms(before))
    expect(valueOf(second, 'sluice_event_loop_delay_seconds_histogram_sum')).toBeGreaterThan(valueOf(first, 'sluice_event_loop_delay_seconds_histogram_sum') + 0.05)
  })

  it('keeps request duration _count growing with the requests answered', async () => {
    const count = async () => valueOf(await scrape(), 'sluice_request_duration_seconds_histogram_count', { outcome: 'accepted' })
    const before = await count()
    for (let i = 0; i < 3; i++) expect((await postEvents(sluice.url, '{"a":1}')).status).toBe(202)
    expect(await count()).toBe(before + 3)
  })
})

describe('burst counters', () => {
  it('count every request a burst sent, and its late and skipped sends', async () => {
    const families = await scrape()
    const before = {
      sent: valueOf(families, 'sluice_burst_requests_sent_total'),
      late: valueOf(families, 'sluice_burst_requests_late_total'),
      skipped: valueOf(families, 'sluice_burst_requests_skipped_total'),
    }
    // Closed: no warm-up, so the summary counts every request the generator sent.
    const summary = await runBurst(sluice.url, { model: 'closed', shape: { kind: 'steady', level: 2 }, durationMs: 1_000, body: SMALL_BODY })
    expect(summary.requests.sent).toBeGreaterThan(0)
    const after = await scrape()
    expect(valueOf(after, 'sluice_burst_requests_sent_total') - before.sent).toBe(summary.requests.sent)
    expect(valueOf(after, 'sluice_burst_requests_late_total') - before.late).toBe(summary.requests.late)
    expect(valueOf(after, 'sluice_burst_requests_skipped_total') - before.skipped).toBe(summary.requests.skipped)
  })
})

// PromQL words that are not metric names: functions, aggregations, keywords.
const PROMQL_WORDS = new Set(['sum', 'rate', 'irate', 'increase', 'histogram_quantile', 'by', 'without', 'on', 'ignoring', 'group_left', 'group_right', 'max', 'min', 'avg', 'count', 'and', 'or', 'unless', 'bool', 'offset', 'clamp_min', 'clamp_max', 'topk', 'bottomk'])

/** Metric names an expression reads: label matchers, grouping labels, strings, ranges and variables taken out first. */
function metricNames(expr: string): string[] {
  const bare = expr
    .replace(/"(?:[^"\\]|\\.)*"/g, '')
    .replace(/\{[^}]*\}/g, '')
    .replace(/\[[^\]]*\]/g, '')
    .replace(/\b(by|without|on|ignoring)\s*\([^)]*\)/g, '')
    .replace(/\$\w+/g, '')
  return [...bare.matchAll(/[a-zA-Z_:][a-zA-Z0-9_:]*/g)].map((m) => m[0]).filter((word) => !PROMQL_WORDS.has(word))
}

describe('docs/grafana/sluice.json', () => {
  it('is a Grafana dashboard on a ${DS_PROMETHEUS} input whose every query reads metrics this server exposes', async () => {
    const dashboard = JSON.parse(await readFile(new URL('../docs/grafana/sluice.json', import.meta.url), 'utf8')) as {
      __inputs: Array<{ name: string; type: string; pluginId: string }>
      schemaVersion: number
      uid: string
      title: string
      panels: Array<{ id: number; type: string; title: string; datasource: { type: string; uid: string }; gridPos: Record<string, number>; targets: Array<{ expr: string; refId: string; datasource: { uid: string } }> }>
    }
    expect(dashboard.__inputs).toContainEqual(expect.objectContaining({ name: 'DS_PROMETHEUS', type: 'datasource', pluginId: 'prometheus' }))
    // Grafana 10.0 writes schema 38.
    expect(dashboard.schemaVersion).toBeGreaterThanOrEqual(38)
    expect(dashboard.uid).toMatch(/^[a-zA-Z0-9_-]{1,40}$/)
    expect(new Set(dashboard.panels.map((p) => p.id)).size).toBe(dashboard.panels.length)

    await eventually(async () => (await scrape()).has('sluice_requests_total'), 5_000, 'a scrape')
    const families = await scrape()
    const exposed = new Set([...families.values()].flatMap((f) => [f.name, ...f.samples.map((s) => s.name)]))
    const titles: string[] = []
    const names = new Set<string>()
    for (const panel of dashboard.panels) {
      titles.push(panel.title)
      expect(panel.datasource).toEqual({ type: 'prometheus', uid: '${DS_PROMETHEUS}' })
      expect(panel.gridPos).toMatchObject({ h: expect.any(Number), w: expect.any(Number), x: expect.any(Number), y: expect.any(Number) })
      expect(panel.targets.length).toBeGreaterThan(0)
      for (const target of panel.targets) {
        expect(target.datasource.uid).toBe('${DS_PROMETHEUS}')
        const read = metricNames(target.expr)
        expect(read.length, target.expr).toBeGreaterThan(0)
        for (const name of read) {
          names.add(name)
          expect(exposed.has(name), `${panel.title}: ${name} in ${target.expr}`).toBe(true)
        }
      }
    }
    expect(titles).toEqual(expect.arrayContaining(['Queue fill', 'Ingest requests by status', 'Refusals by reason', 'Request duration p99', 'Event-loop delay p99', 'Resident memory', 'Admission: share shed on CPU']))
    expect([...names]).toEqual(expect.arrayContaining(['sluice_request_duration_seconds_histogram_bucket', 'sluice_event_loop_delay_seconds_histogram_bucket', 'process_resident_memory_bytes', 'sluice_admission_shed_ratio']))
  })

  it('finds metric names in PromQL, and only those', () => {
    expect(metricNames('histogram_quantile(0.99, sum by (le, outcome) (rate(a_bucket{job="x"}[$__rate_interval])))')).toEqual(['a_bucket'])
    expect(metricNames('b / c > 0')).toEqual(['b', 'c'])
  })
})
