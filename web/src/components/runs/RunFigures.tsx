import type { BurstSummary } from '../../../../shared/bursts.ts'
import { RUN_FIGURES, saturationNote } from '../../../../shared/run-figures.ts'
import { count, duration } from '../../lib/format.ts'

/** One run's summary as a definition list: the figures every view of a run shares. */
export function RunFigures({ summary }: { summary: BurstSummary }) {
  const reasons = Object.entries(summary.server.rejectedByReason).filter(([, n]) => n > 0)
  const note = saturationNote(summary)
  return (
    <>
      {note && (
        <p className="warn-text generator-behind" role="note">
          ⚠ {note}
        </p>
      )}
      {summary.warmupMs > 0 && <p className="muted small">The first {duration(summary.warmupMs)} are a warm-up: in the charts, not in these figures.</p>}
      <dl className="run-figures" aria-label={`Summary of ${summary.name}`}>
        {RUN_FIGURES.map((f) => {
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
      </dl>
    </>
  )
}
