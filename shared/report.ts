/**
 * A run as one self-contained HTML file (k6's dashboard export, Locust's "Download
 * report"): figures, charts as inline SVG, the configuration in force and the record
 * itself, with nothing to fetch. One pure function, so the server (?format=html), the
 * CLI (--report) and the dashboard make byte-for-byte the same file from the same record.
 */
import type { BurstRecord, BurstSeriesPoint, BurstSpec, BurstSummary, LoadChange } from './bursts.ts'
import { escapeHtml as h } from './escape.ts'
import { bytes, count, dateTimeUtc, duration, ms, rate } from './format.ts'
import { percentilesOf } from './percentiles.ts'
import { findPreset } from './presets.ts'
import { RUN_FIGURES, saturationNote } from './run-figures.ts'
import { svgLineChart, type SvgSeries } from './svg-chart.ts'

/** Mid-tone colours that read on both the light and the dark page. */
const COLOURS = { offered: '#64748b', answered: '#3b82f6', ok: '#10b981', p50: '#10b981', p90: '#f59e0b', p95: '#f97316', p99: '#ef4444', rss: '#ec4899', lag: '#a855f7', server: '#3b82f6', database: '#10b981', generator: '#f59e0b' }
const STATUS_COLOURS = ['#10b981', '#22c55e', '#f97316', '#eab308', '#ef4444', '#a855f7', '#0ea5e9', '#64748b']
const MB = 1024 * 1024

/** Series fields the generator writes; anything else numeric in a point is a server-side series to chart as it is. */
const KNOWN_FIELDS = new Set(['t', 'durationMs', 'target', 'offeredRate', 'sentRate', 'achievedRate', 'okRate', 'inflight', 'statuses', 'errors', 'late', 'skipped', 'latency', 'rssBytes', 'loopDelayMaxMs', 'cpu', 'warmup'])

export const reportFileName = (id: string) => `burst-${id}.html`

const seconds = (p: BurstSeriesPoint) => p.t / 1000
/** Axis labels are round numbers: "250ms", "1.5s", not "250 ms" or "0.00 ms". */
const axisMs = (v: number) => (v >= 1000 ? `${Number((v / 1000).toPrecision(3))}s` : `${Number(v.toPrecision(3))}ms`)
const line = (name: string, color: string, series: readonly BurstSeriesPoint[], y: (p: BurstSeriesPoint) => number | null, dashed = false): SvgSeries => ({
  name,
  color,
  dashed,
  points: series.map((p) => [seconds(p), y(p)] as const),
})

/** "rate 20 → 100 requests/s at 4.2 s (by api)": a level set by hand while the run went. */
function loadChangeText(spec: BurstSpec, change: LoadChange): string {
  const unit = spec.model === 'closed' ? ' connections' : ' requests/s'
  return `${spec.model === 'closed' ? 'connections' : 'rate'} ${count(change.from)} → ${count(change.to)}${unit} at ${duration(change.t)} (by ${change.by})`
}

function charts(series: readonly BurstSeriesPoint[], marks: ReadonlyArray<{ x: number; text: string }>): string[] {
  const answered = (v: (p: BurstSeriesPoint) => number | undefined) => (p: BurstSeriesPoint) => (p.latency.count ? (v(p) ?? null) : null)
  const perSec = (p: BurstSeriesPoint, n: number) => (p.durationMs > 0 ? (n * 1000) / p.durationMs : 0)
  const codes = [...new Set(series.flatMap((p) => Object.keys(p.statuses)))].sort()
  const out = [
    svgLineChart({
      id: 'chart-rate',
      title: 'Client request rate (per second)',
      axis: count,
      marks,
      series: [line('offered', COLOURS.offered, series, (p) => p.offeredRate, true), line('answered', COLOURS.answered, series, (p) => p.achievedRate), line('2xx', COLOURS.ok, series, (p) => p.okRate)],
    }),
    svgLineChart({
      id: 'chart-latency',
      title: 'Client latency percentiles (from the intended send time)',
      axis: axisMs,
      series: [
        line('p50', COLOURS.p50, series, answered((p) => p.latency.p50)),
        line('p90', COLOURS.p90, series, answered((p) => p.latency.p90)),
        ...(series.some((p) => p.latency.p95 !== undefined) ? [line('p95', COLOURS.p95, series, answered((p) => p.latency.p95))] : []),
        line('p99', COLOURS.p99, series, answered((p) => p.latency.p99)),
      ],
    }),
    svgLineChart({
      id: 'chart-statuses',
      title: 'Answers by status code (per second)',
      axis: count,
      series: codes.map((code, i) => line(code, STATUS_COLOURS[i % STATUS_COLOURS.length]!, series, (p) => perSec(p, p.statuses[code] ?? 0), !code.startsWith('2'))),
    }),
    svgLineChart({ id: 'chart-rss', title: 'Server RSS (MB)', axis: (v) => `${count(v)} MB`, series: [line('RSS', COLOURS.rss, series, (p) => p.rssBytes / MB)] }),
    svgLineChart({ id: 'chart-loop', title: 'Server event-loop delay, worst per second', axis: axisMs, series: [line('max delay', COLOURS.lag, series, (p) => p.loopDelayMaxMs)] }),
  ]
  // Runs recorded before CPU was measured have no `cpu`; an external database has no figure for it.
  if (series.some((p) => p.cpu)) {
    const cpu = (key: 'server' | 'database' | 'generator') => (p: BurstSeriesPoint) => p.cpu?.[key] ?? null
    const parts = (['server', 'database', 'generator'] as const).filter((key) => series.some((p) => cpu(key)(p) !== null))
    out.push(svgLineChart({ id: 'chart-cpu', title: 'CPU (cores busy)', axis: (v) => `${Number(v.toPrecision(3))}`, series: parts.map((key) => line(key, COLOURS[key], series, cpu(key))) }))
  }
  // Whatever else the run recorded of the server, per second, charted as it is.
  const extra = [...new Set(series.flatMap((p) => Object.keys(p).filter((k) => !KNOWN_FIELDS.has(k) && typeof (p as unknown as Record<string, unknown>)[k] === 'number')))].sort()
  for (const key of extra) {
    out.push(svgLineChart({ id: `chart-${key}`, title: `Server ${key}`, axis: count, series: [line(key, COLOURS.answered, series, (p) => (p as unknown as Record<string, number>)[key] ?? null)] }))
  }
  return out
}

function dl(rows: ReadonlyArray<readonly [string, string]>, cls = '', id = ''): string {
  return `<dl class="${cls}"${id ? ` id="${id}"` : ''}>${rows.map(([k, v]) => `<div><dt>${h(k)}</dt><dd>${h(v)}</dd></div>`).join('')}</dl>`
}

const counts = (c: Readonly<Record<string, number | undefined>>) =>
  Object.entries(c)
    .filter(([, n]) => (n ?? 0) > 0)
    .map(([k, n]) => `${k}: ${count(n)}`)
    .join(' · ') || 'none'

function shapeText(spec: BurstSpec): string {
  const unit = spec.model === 'closed' ? ' connections' : ' requests/s'
  const s = spec.shape
  switch (s.kind) {
    case 'steady':
      return `steady at ${count(s.level)}${unit}`
    case 'ramp':
      return `ramp from ${count(s.from)} to ${count(s.to)}${unit}`
    case 'step':
      return `steps ${s.levels.map(count).join(', ')}${unit}`
    case 'spike':
      return `${count(s.base)}${unit}, spiking to ${count(s.peak)} at ${duration(s.atMs)} for ${duration(s.forMs)}`
  }
}

function configuration(record: BurstRecord): string {
  const spec = record.spec
  const rows: Array<readonly [string, string]> = [
    ['Model', spec.model === 'open' ? 'open (arrival rate)' : 'closed (concurrency)'],
    ['Shape', shapeText(spec)],
    ['Duration asked', duration(spec.durationMs)],
    ['Body', `${count(spec.body.eventsPerRequest)} events × ~${bytes(spec.body.eventBytes)}, ${spec.body.format}`],
    ['Acknowledged', spec.ack === 'commit' ? 'when committed (?wait=commit)' : 'when queued'],
    ['Bad traffic', spec.bad ? Object.entries(spec.bad).map(([k, v]) => `${k} ${Math.round((v ?? 0) * 1000) / 10}%`).join(', ') || 'none' : 'none'],
  ]
  if (spec.dripMs !== undefined) rows.push(['Slow-drip time', ms(spec.dripMs)])
  const knobs = Object.entries(spec.knobs ?? {})
  rows.push(['Knobs set for the run', knobs.length ? knobs.map(([k, v]) => `${k} = ${String(v)}`).join(', ') : 'none (the server’s settings at the time)'])
  // Recorded with the run by newer servers: every live knob in force while it ran.
  const inForce = Object.entries(record.summary.knobs ?? {})
  if (inForce.length) rows.push(['Every knob in force', inForce.map(([k, v]) => `${k} = ${String(v)}`).join(', ')])
  const s = record.summary
  const changes = s.loadChanges ?? []
  if (changes.length) rows.push(['Load changed while it ran', changes.map((c) => loadChangeText(spec, c)).join('; ')])
  if (s.group) rows.push(['Comparison', `${s.group}: variant ${s.variant ?? '?'}${s.variants ? ` of ${s.variants.join(', ')}` : ''}`])
  // Fields a newer server records with the run (its settings, say): shown as they are.
  const extra = Object.entries(record).filter(([key]) => !['id', 'spec', 'summary', 'series'].includes(key))
  for (const [key, value] of extra) rows.push([key, typeof value === 'string' ? value : JSON.stringify(value)])
  return dl(rows, 'config', 'configuration')
}

function figures(s: BurstSummary): string {
  return `<dl class="figures">${RUN_FIGURES.map((f) => {
    const v = f.value(s)
    return `<div data-figure="${h(f.label)}"><dt>${h(f.label)}</dt><dd>${h(v === null ? '–' : f.format(v))}</dd></div>`
  }).join('')}</dl>`
}

const STYLE = `
:root{color-scheme:light dark;--bg:#fff;--fg:#0f172a;--muted:#526079;--line:#dbe3ee;--card:#f8fafc;--warn:#b45309}
@media (prefers-color-scheme:dark){:root{--bg:#0b1120;--fg:#e2e8f0;--muted:#8b9ab3;--line:#273244;--card:#111a2e;--warn:#f59e0b}}
*{box-sizing:border-box}body{margin:0 auto;max-width:1100px;padding:20px;background:var(--bg);color:var(--fg);font:14px/1.45 system-ui,-apple-system,'Segoe UI',Roboto,sans-serif}
h1{font-size:22px;margin:0 0 4px}h2{font-size:16px;margin:24px 0 8px;border-bottom:1px solid var(--line);padding-bottom:4px}
.muted{color:var(--muted)}.warn{color:var(--warn);border:1px solid var(--warn);border-radius:6px;padding:8px 10px}
dl{display:grid;grid-template-columns:repeat(auto-fill,minmax(180px,1fr));gap:8px 16px;margin:0 0 14px}dl div{min-width:0}dt{color:var(--muted);font-size:12px}dd{margin:0;font-weight:600;font-variant-numeric:tabular-nums;overflow-wrap:anywhere}
dl.config{grid-template-columns:minmax(140px,220px) 1fr}dl.config div{display:contents}dl.config dd{font-weight:500}
.charts{display:grid;grid-template-columns:repeat(auto-fill,minmax(min(100%,460px),1fr));gap:14px}
.chart{margin:0;background:var(--card);border:1px solid var(--line);border-radius:8px;padding:8px 10px}figcaption{font-weight:600;margin-bottom:4px}
svg{display:block;height:auto}svg .grid{stroke:var(--line);stroke-dasharray:2 4}svg .frame{stroke:var(--muted)}svg text.axis{fill:var(--muted);font-size:11px}
.legend{list-style:none;margin:4px 0 0;padding:0;display:flex;flex-wrap:wrap;gap:2px 12px;font-size:12px;color:var(--muted)}.legend li{display:inline-flex;align-items:center;gap:4px}
.swatch{display:inline-block;width:14px;border-top:3px solid}.swatch.dashed{border-top-style:dashed}
p.watch code{background:var(--card);border:1px solid var(--line);border-radius:4px;padding:0 3px}
footer{margin-top:28px;font-size:12px}
`

/** The whole report; the record is embedded as JSON, so the file is also the data. */
export function renderReport(record: BurstRecord): string {
  const s = record.summary
  const preset = findPreset(s.name)
  const title = preset?.title ?? (s.name === 'custom' ? 'Custom burst' : s.name)
  const latency = percentilesOf(s.latency)
  const note = saturationNote(s)
  const reasons = Object.entries(s.server.rejectedByReason).filter(([, n]) => n > 0)
  const byKind = Object.entries(s.byKind).map(([kind, t]) => `${kind}: ${count(t?.sent)} sent (${counts(t?.statuses ?? {})})`)
  // `<` escaped so no text in the record can close the script element.
  const data = JSON.stringify(record).replace(/</g, '\\u003c')
  const watch = preset ? preset.watch.split('`').map((part, i) => (i % 2 ? `<code>${h(part)}</code>` : h(part))).join('') : ''
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>Sluice run: ${h(title)} (${h(s.id)})</title>
<style>${STYLE}</style>
</head>
<body>
<header>
<h1>${h(title)}</h1>
<p class="muted">Run <code>${h(s.id)}</code> · ${h(s.status)} · ${h(s.model)} model · started ${h(dateTimeUtc(s.startedAt))} · ran ${h(duration(s.durationMs))}</p>
${preset ? `<p class="watch">${watch}</p>` : ''}
${note ? `<p class="warn" id="generator-behind">⚠ ${h(note)}</p>` : ''}
${s.error ? `<p class="warn">Error: ${h(s.error.split('\n')[0]!)}</p>` : ''}
${s.warmupMs ? `<p class="muted" id="warmup">The first ${h(duration(s.warmupMs))} are a warm-up: charted per second below, left out of the figures.</p>` : ''}
</header>
<section aria-labelledby="figures-title">
<h2 id="figures-title">Figures</h2>
${figures(s)}
${dl([
  ['Rates', `offered ${rate(s.rates.offered)} · sent ${rate(s.rates.sent)} · answered ${rate(s.rates.achieved)} · 2xx ${rate(s.rates.ok)}`],
  ['Latency (answered normal requests)', latency.length ? `${latency.map((p) => `${p.label} ${ms(p.value)}`).join(' · ')} · max ${ms(s.latency.max)} over ${count(s.latency.count)} answers` : 'no answers'],
  ['Requests', `intended ${count(s.requests.intended)} · sent ${count(s.requests.sent)} · answered ${count(s.requests.answered)} · late ${count(s.requests.late)} · skipped ${count(s.requests.skipped)}`],
  ['Statuses (client)', counts(s.statuses)],
  ['Client errors (no answer)', counts(s.errors)],
  ['By kind', byKind.join('; ') || '–'],
  ['Server: requests by status', counts(s.server.requestsByStatus)],
  ['Server: refused by reason', reasons.map(([r, n]) => `${r}: ${count(n)}`).join(' · ') || 'none'],
  ['Server: events accepted', count(s.server.eventsAccepted)],
  ...(s.generator ? [['Generator CPU', `mean ${s.generator.cpuMeanCores.toFixed(2)} cores · max ${s.generator.cpuMaxCores.toFixed(2)} cores`] as const] : []),
], 'config')}
</section>
<section aria-labelledby="charts-title">
<h2 id="charts-title">Per second</h2>
${record.series.length ? `<div class="charts">${charts(record.series, (s.loadChanges ?? []).map((c) => ({ x: c.t / 1000, text: loadChangeText(record.spec, c) }))).join('\n')}</div>` : '<p class="muted">The run recorded no whole second.</p>'}
</section>
<section aria-labelledby="config-title">
<h2 id="config-title">Configuration in force</h2>
${configuration(record)}
</section>
<footer class="muted">Made by Sluice from the run's record, which is embedded below as JSON (<code>script#sluice-run</code>): this file is the data too.</footer>
<script type="application/json" id="sluice-run">${data}</script>
</body>
</html>
`
}
