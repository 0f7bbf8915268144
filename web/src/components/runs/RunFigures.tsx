import type { BurstSummary } from '../../../../shared/bursts.ts'
import { bytes, count, duration, ms, rate } from '../../lib/format.ts'
import { refusedTotal } from '../../lib/run-series.ts'

/** The figures two runs are compared on; each row is one comparable number. */
export const FIGURES: ReadonlyArray<{ label: string; value: (s: BurstSummary) => number | null; format: (v: number) => string; better?: 'higher' | 'lower' }> = [
  { label: 'Length', value: (s) => s.durationMs, format: duration },
  { label: 'Requests sent', value: (s) => s.requests.sent, format: count },
  { label: 'Offered rate', value: (s) => s.rates.offered, format: rate },
  { label: 'Answered rate', value: (s) => s.rates.achieved, format: rate, better: 'higher' },
  { label: '2xx rate', value: (s) => s.rates.ok, format: rate, better: 'higher' },
  { label: 'Events accepted', value: (s) => s.eventsAccepted, format: count, better: 'higher' },
  { label: 'Latency p50', value: (s) => (s.latency.count ? s.latency.p50 : null), format: ms, better: 'lower' },
  { label: 'Latency p90', value: (s) => (s.latency.count ? s.latency.p90 : null), format: ms, better: 'lower' },
  { label: 'Latency p99', value: (s) => (s.latency.count ? s.latency.p99 : null), format: ms, better: 'lower' },
  { label: 'Latency max', value: (s) => (s.latency.count ? s.latency.max : null), format: ms, better: 'lower' },
  { label: 'Refused by server', value: refusedTotal, format: count, better: 'lower' },
  { label: 'Client errors (no answer)', value: (s) => Object.values(s.errors).reduce((a, b) => a + (b ?? 0), 0), format: count, better: 'lower' },
  { label: 'Peak RSS', value: (s) => s.server.peakRssBytes, format: bytes, better: 'lower' },
  { label: 'Max event-loop delay', value: (s) => s.server.maxLoopDelayMs, format: ms, better: 'lower' },
]

/** One run's summary as a definition list. */
export function RunFigures({ summary }: { summary: BurstSummary }) {
  const reasons = Object.entries(summary.server.rejectedByReason).filter(([, n]) => n > 0)
  return (
    <dl className="run-figures" aria-label={`Summary of ${summary.name}`}>
      {FIGURES.map((f) => {
        const v = f.value(summary)
        return (
          <div key={f.label} data-figure={f.label}>
            <dt>{f.label}</dt>
            <dd>{v === null ? '–' : f.format(v)}</dd>
          </div>
        )
      })}
      <div data-figure="Statuses">
        <dt>Statuses</dt>
        <dd>{Object.entries(summary.statuses).map(([code, n]) => `${code}: ${count(n)}`).join(' · ') || '–'}</dd>
      </div>
      <div data-figure="Refused by reason">
        <dt>Refused by reason</dt>
        <dd>{reasons.map(([r, n]) => `${r}: ${count(n)}`).join(' · ') || 'none'}</dd>
      </div>
      {summary.generatorSaturated && (
        <div data-figure="Generator">
          <dt>Generator</dt>
          <dd className="warn-text">fell behind its schedule ({count(summary.requests.late)} late, {count(summary.requests.skipped)} skipped): figures understate the offered load</dd>
        </div>
      )}
    </dl>
  )
}
