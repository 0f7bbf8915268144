import { useState } from 'react'
import type { BurstCaps } from '../../../../shared/api.ts'
import type { BurstPreset, LoadPatch } from '../../../../shared/bursts.ts'
import { percentilesOf } from '../../../../shared/percentiles.ts'
import { saturationShort } from '../../../../shared/run-figures.ts'
import { count, duration, ms, rate } from '../../lib/format.ts'
import { burstKnobsText } from '../../lib/knob-text.ts'
import type { BurstAction } from '../../hooks/useBursts.ts'
import { generatorBehind, type LiveBurst } from '../../lib/stream-store.ts'
import { Prose } from '../Prose.tsx'
import { LoadControl } from './LoadControl.tsx'

function statusLine(statuses: Readonly<Record<string, number>>): string {
  const entries = Object.entries(statuses).sort((a, b) => b[1] - a[1])
  return entries.length ? entries.map(([code, n]) => `${code}: ${count(n)}`).join(' · ') : 'no answers yet'
}

interface BurstProgressProps {
  burst: LiveBurst
  preset: BurstPreset | undefined
  /** Why Stop did not work, shown by the button. */
  stopError: string | null
  onStop: (id: string) => void
  caps: BurstCaps | null
  onSetLevel: (id: string, patch: LoadPatch) => Promise<BurstAction>
}

/** The running (or last) burst: how far along, what the clients see, whether the generator keeps up, and Stop. */
export function BurstProgress({ burst, preset, stopError, onStop, caps, onSetLevel }: BurstProgressProps) {
  const running = burst.endedAt === null
  const w = burst.window
  const s = burst.summary
  const behind = generatorBehind(burst)
  const knobs = burstKnobsText(preset?.spec.knobs)
  // Folded until asked for: open, the field takes a row of the card.
  const [editing, setEditing] = useState(false)
  return (
    <section className={`burst-progress ${running ? 'running' : 'ended'}`} aria-label="Current burst" data-burst-id={burst.id} data-phase={burst.phase} data-generator-behind={behind}>
      <div className="burst-progress-head">
        <strong>{preset?.title ?? burst.name}</strong>
        <span className={`pill pill-${running ? 'run' : burst.phase}`}>{running ? 'running' : burst.phase}</span>
        {running && (
          <button type="button" className="danger small" onClick={() => onStop(burst.id)}>
            Stop burst
          </button>
        )}
      </div>
      {stopError && (
        <p role="alert" className="error small">
          {stopError}
        </p>
      )}
      {running ? (
        <>
          <progress aria-label="Burst progress" max={burst.durationMs} value={Math.min(burst.elapsedMs, burst.durationMs)} />
          <p className="burst-figures">
            {duration(burst.elapsedMs)} of {duration(burst.durationMs)}
            {w && (
              <>
                {' '}
                · offered {rate(w.offeredRate)} · answered {rate(w.achievedRate)} · p95 {ms(w.latency.count ? (w.latency.p95 ?? null) : null)} · p99 {ms(w.latency.count ? w.latency.p99 : null)} · {count(w.inflight)} in flight
              </>
            )}
          </p>
          {/* The toggle opens the statuses line, where it stays put as the counts grow; folded, the field costs no height. */}
          <p className="burst-statuses">
            {burst.model && (
              <>
                <button type="button" className="link small-link" aria-expanded={editing} onClick={() => setEditing(!editing)}>
                  Change load
                </button>
                {w ? ' · ' : ''}
              </>
            )}
            {w ? statusLine(w.statuses) : ''}
          </p>
          {editing && burst.model && <LoadControl id={burst.id} model={burst.model} level={w?.target ?? null} caps={caps} onSet={onSetLevel} />}
        </>
      ) : (
        s && (
          <p className="burst-figures">
            {duration(s.durationMs)} · {rate(s.rates.achieved)} answered · {rate(s.rates.ok)} 2xx · {percentilesOf(s.latency).filter((p) => p.key === 'p95' || p.key === 'p99').map((p) => `${p.label} ${ms(p.value)}`).join(' · ')} · {statusLine(s.statuses)}
            {s.error ? ` · ${s.error.split('\n')[0]}` : ''}
          </p>
        )
      )}
      {behind && (
        <p className="warn-text small generator-behind" role="status">
          ⚠ {s ? saturationShort(s) : `Generator falling behind (${count(burst.behind)} late or skipped sends so far): the server gets less load than asked.`}
        </p>
      )}
      {knobs && <p className="burst-knobs small">{running ? `This run sets ${knobs}; they are put back when it ends.` : `It set ${knobs} for its run.`}</p>}
      {/* Read while it runs; once it has ended the card stays short, so the knobs below stay in view. */}
      {preset &&
        (running ? (
          <p className="preset-watch">
            <Prose text={preset.watch} />
          </p>
        ) : (
          <details className="preset-more">
            <summary className="small">What to watch</summary>
            <p className="preset-watch">
              <Prose text={preset.watch} />
            </p>
          </details>
        ))}
    </section>
  )
}
