import type { BurstPreset } from '../../../../shared/bursts.ts'
import { duration, ms, rate } from '../../lib/format.ts'
import type { LiveBurst } from '../../lib/stream-store.ts'

function statusLine(statuses: Readonly<Record<string, number>>): string {
  const entries = Object.entries(statuses).sort((a, b) => b[1] - a[1])
  return entries.length ? entries.map(([code, n]) => `${code}: ${n}`).join(' · ') : 'no answers yet'
}

/** The running (or last) burst: how far along, what the clients see, and the Stop button. */
export function BurstProgress({ burst, preset, onStop }: { burst: LiveBurst; preset: BurstPreset | undefined; onStop: (id: string) => void }) {
  const running = burst.endedAt === null
  const w = burst.window
  const s = burst.summary
  return (
    <section className={`burst-progress ${running ? 'running' : 'ended'}`} aria-label="Current burst" data-burst-id={burst.id} data-phase={burst.phase}>
      <div className="burst-progress-head">
        <strong>{preset?.title ?? burst.name}</strong>
        <span className={`pill pill-${running ? 'run' : burst.phase}`}>{running ? 'running' : burst.phase}</span>
        {running && (
          <button type="button" className="danger small" onClick={() => onStop(burst.id)}>
            Stop burst
          </button>
        )}
      </div>
      {running ? (
        <>
          <progress aria-label="Burst progress" max={burst.durationMs} value={Math.min(burst.elapsedMs, burst.durationMs)} />
          <p className="burst-figures">
            {duration(burst.elapsedMs)} of {duration(burst.durationMs)}
            {w && (
              <>
                {' '}
                · offered {rate(w.offeredRate)} · answered {rate(w.achievedRate)} · p99 {ms(w.latency.count ? w.latency.p99 : null)} · {w.inflight} in flight
              </>
            )}
          </p>
          {w && <p className="burst-statuses">{statusLine(w.statuses)}</p>}
        </>
      ) : (
        s && (
          <p className="burst-figures">
            {duration(s.durationMs)} · {rate(s.rates.achieved)} answered · {rate(s.rates.ok)} 2xx · p99 {ms(s.latency.p99)} · {statusLine(s.statuses)}
            {s.error ? ` · ${s.error}` : ''}
          </p>
        )
      )}
      {preset && <p className="preset-watch">{preset.watch}</p>}
    </section>
  )
}
