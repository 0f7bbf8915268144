import type { BurstSeriesPoint, BurstSummary, StatusCounts } from '../../shared/bursts.ts'
import { bytes, count, duration, ms, rate } from '../../shared/format.ts'
import { percentilesOf } from '../../shared/percentiles.ts'
import { saturationNote } from '../../shared/run-figures.ts'

const BAR_WIDTH = 30

const fixed = (n: number, digits = 1) => n.toFixed(digits)
const counts = (statuses: StatusCounts | Readonly<Record<string, number | undefined>>) => {
  const entries = Object.entries(statuses).filter(([, n]) => (n ?? 0) > 0)
  return entries.length ? entries.map(([key, n]) => `${key}: ${count(n)}`).join('  ') : 'none'
}

/** `[██████░░░░]  45%  9.0 / 20.0 s` */
export function progressBar(elapsedMs: number, durationMs: number): string {
  const share = Math.min(1, Math.max(0, elapsedMs / durationMs))
  const done = Math.round(share * BAR_WIDTH)
  return `[${'█'.repeat(done)}${'░'.repeat(BAR_WIDTH - done)}] ${String(Math.round(share * 100)).padStart(3)}%  ${fixed(elapsedMs / 1000)} / ${fixed(durationMs / 1000)} s`
}

/** One line per second of the series: fixed columns, so a terminal reads it as a table. */
export function secondLine(point: BurstSeriesPoint, open: boolean): string {
  const { latency } = point
  const target = open ? `${Math.round(point.target)}/s` : `${Math.round(point.target)} conn`
  const late = point.late || point.skipped ? `  LATE ${point.late} SKIPPED ${point.skipped}` : ''
  const errors = Object.values(point.errors).reduce((n, c) => n + (c ?? 0), 0)
  return [
    `${fixed(point.t / 1000).padStart(6)}s`,
    `target ${target.padStart(9)}`,
    `sent ${fixed(point.sentRate, 0).padStart(6)}/s`,
    `ok ${fixed(point.okRate, 0).padStart(6)}/s`,
    `p50 ${ms(latency.p50).padStart(9)}  p95 ${ms(latency.p95).padStart(9)}  p99 ${ms(latency.p99).padStart(9)}  max ${ms(latency.max).padStart(9)}`,
    `inflight ${String(point.inflight).padStart(4)}`,
    `rss ${bytes(point.rssBytes).padStart(7)}  lag ${ms(point.loopDelayMaxMs)}`,
    `[${counts(point.statuses)}${errors ? `  errors: ${errors}` : ''}]${late}`,
  ].join('  ')
}

/** The end-of-run report, in human units: "207 MB", "1.2K/s", "48.2 ms". */
export function summaryText(s: BurstSummary): string {
  const r = s.requests
  const latency = percentilesOf(s.latency)
  const lines = [
    `burst ${s.id} ${s.status}: ${s.name} (${s.model}, ${duration(s.durationMs)})`,
    `  requests  intended ${count(r.intended)}  sent ${count(r.sent)}  answered ${count(r.answered)}  late ${count(r.late)}  skipped ${count(r.skipped)}`,
    `  rates     offered ${rate(s.rates.offered)}  sent ${rate(s.rates.sent)}  achieved ${rate(s.rates.achieved)}  ok ${rate(s.rates.ok)}`,
    `  latency   ${latency.length ? `${latency.map((p) => `${p.label} ${ms(p.value)}`).join('  ')}  max ${ms(s.latency.max)}` : 'no answers'}  (${count(s.latency.count)} normal answers, from intended send time)`,
    `  statuses  ${counts(s.statuses)}`,
    `  errors    ${counts(s.errors)}`,
    `  by kind   ${Object.entries(s.byKind).map(([kind, t]) => `${kind} ${count(t!.sent)} (${counts(t!.statuses)})`).join('; ')}`,
    `  server    accepted ${count(s.server.eventsAccepted)} events  statuses ${counts(s.server.requestsByStatus)}  rejected ${counts(s.server.rejectedByReason)}`,
    `            peak RSS ${bytes(s.server.peakRssBytes)}  max event-loop delay ${ms(s.server.maxLoopDelayMs)}`,
  ]
  const note = saturationNote(s)
  if (note) lines.push(`  WARNING   ${note}`)
  if (s.error) lines.push(`  error     ${s.error.split('\n')[0]}`)
  return lines.join('\n')
}
