import type { BurstSeriesPoint, BurstSummary, StatusCounts } from '../../shared/bursts.ts'

const BAR_WIDTH = 30

const fixed = (n: number, digits = 1) => n.toFixed(digits)
const mb = (bytes: number) => `${Math.round(bytes / 1e6)} MB`
const counts = (statuses: StatusCounts | Readonly<Record<string, number | undefined>>) => {
  const entries = Object.entries(statuses).filter(([, n]) => (n ?? 0) > 0)
  return entries.length ? entries.map(([key, n]) => `${key}: ${n}`).join('  ') : 'none'
}

/** `[██████░░░░]  45%  9.0 / 20.0 s` */
export function progressBar(elapsedMs: number, durationMs: number): string {
  const share = Math.min(1, Math.max(0, elapsedMs / durationMs))
  const done = Math.round(share * BAR_WIDTH)
  return `[${'█'.repeat(done)}${'░'.repeat(BAR_WIDTH - done)}] ${String(Math.round(share * 100)).padStart(3)}%  ${fixed(elapsedMs / 1000)} / ${fixed(durationMs / 1000)} s`
}

/** One line per second of the series. */
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
    `p50 ${fixed(latency.p50).padStart(6)}  p99 ${fixed(latency.p99).padStart(7)}  max ${fixed(latency.max).padStart(7)} ms`,
    `inflight ${String(point.inflight).padStart(4)}`,
    `rss ${mb(point.rssBytes)}  lag ${fixed(point.loopDelayMaxMs)} ms`,
    `[${counts(point.statuses)}${errors ? `  errors: ${errors}` : ''}]${late}`,
  ].join('  ')
}

/** The end-of-run report. */
export function summaryText(s: BurstSummary): string {
  const r = s.requests
  const lines = [
    `burst ${s.id} ${s.status}: ${s.name} (${s.model}, ${fixed(s.durationMs / 1000)} s)`,
    `  requests  intended ${r.intended}  sent ${r.sent}  answered ${r.answered}  late ${r.late}  skipped ${r.skipped}`,
    `  rates     offered ${fixed(s.rates.offered)}/s  sent ${fixed(s.rates.sent)}/s  achieved ${fixed(s.rates.achieved)}/s  ok ${fixed(s.rates.ok)}/s`,
    `  latency   p50 ${s.latency.p50} ms  p90 ${s.latency.p90} ms  p99 ${s.latency.p99} ms  max ${s.latency.max} ms  (${s.latency.count} normal answers, from intended send time)`,
    `  statuses  ${counts(s.statuses)}`,
    `  errors    ${counts(s.errors)}`,
    `  by kind   ${Object.entries(s.byKind).map(([kind, t]) => `${kind} ${t!.sent} (${counts(t!.statuses)})`).join('; ')}`,
    `  server    accepted ${s.server.eventsAccepted} events  statuses ${counts(s.server.requestsByStatus)}  rejected ${counts(s.server.rejectedByReason)}`,
    `            peak RSS ${mb(s.server.peakRssBytes)}  max event-loop delay ${s.server.maxLoopDelayMs} ms`,
  ]
  if (s.generatorSaturated) {
    lines.push(`  WARNING   the generator fell behind its schedule (${r.late} late, ${r.skipped} skipped sends): the server was offered less than asked`)
  }
  if (s.error) lines.push(`  error     ${s.error.split('\n')[0]}`)
  return lines.join('\n')
}
