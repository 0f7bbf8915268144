import type { BurstSummary } from './bursts.ts'
import { bytes, count, duration, ms, rate, share } from './format.ts'
import { percentileOf, PERCENTILES } from './percentiles.ts'

/** One comparable number of a run: the dashboard, the comparison and the HTML report list the same ones. */
export interface RunFigure {
  readonly label: string
  readonly value: (s: BurstSummary) => number | null
  readonly format: (v: number) => string
  readonly better?: 'higher' | 'lower'
}

/** Requests the server refused, by its own count (every reason). */
export function refusedTotal(summary: BurstSummary): number {
  let total = 0
  for (const n of Object.values(summary.server.rejectedByReason)) total += n
  return total
}

export function clientErrors(summary: BurstSummary): number {
  return Object.values(summary.errors).reduce((a, b) => a + (b ?? 0), 0)
}

/** Late plus skipped sends as a share of the intended ones: what `generatorSaturated` is decided on. */
export function behindShare(summary: BurstSummary): number {
  const { intended, late, skipped } = summary.requests
  return intended > 0 ? (late + skipped) / intended : 0
}

export const RUN_FIGURES: readonly RunFigure[] = [
  { label: 'Length', value: (s) => s.durationMs, format: duration },
  { label: 'Requests sent', value: (s) => s.requests.sent, format: count },
  { label: 'Offered rate', value: (s) => s.rates.offered, format: rate },
  { label: 'Answered rate', value: (s) => s.rates.achieved, format: rate, better: 'higher' },
  { label: '2xx rate', value: (s) => s.rates.ok, format: rate, better: 'higher' },
  { label: 'Events accepted', value: (s) => s.eventsAccepted, format: count, better: 'higher' },
  ...PERCENTILES.map(({ key, label }): RunFigure => ({ label: `Latency ${label}`, value: (s) => percentileOf(s.latency, key), format: ms, better: 'lower' })),
  { label: 'Latency max', value: (s) => (s.latency.count ? s.latency.max : null), format: ms, better: 'lower' },
  { label: 'Refused by server', value: refusedTotal, format: count, better: 'lower' },
  { label: 'Client errors (no answer)', value: clientErrors, format: count, better: 'lower' },
  { label: 'Late or skipped sends', value: behindShare, format: share, better: 'lower' },
  { label: 'Peak RSS', value: (s) => s.server.peakRssBytes, format: bytes, better: 'lower' },
  { label: 'Max event-loop delay', value: (s) => s.server.maxLoopDelayMs, format: ms, better: 'lower' },
]

/** The same, short enough for the burst card. */
export function saturationShort(s: BurstSummary): string | null {
  return s.generatorSaturated ? `Generator fell behind (${count(s.requests.late)} late, ${count(s.requests.skipped)} skipped): the server got less load than asked.` : null
}

/** One sentence for a run whose generator fell behind, or null when it kept up. */
export function saturationNote(s: BurstSummary): string | null {
  if (!s.generatorSaturated) return null
  return `The load generator fell behind its schedule (${count(s.requests.late)} late, ${count(s.requests.skipped)} skipped sends): the server was offered less than asked, so read every figure as a lower bound on the load.`
}
