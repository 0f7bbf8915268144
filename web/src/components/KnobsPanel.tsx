import { memo, useId, useState, type KeyboardEvent } from 'react'
import { LIVE_KNOB_ENUMS, LIVE_KNOB_LIMITS, type EffectiveConfig, type EnumKnob, type LiveConfig, type NumericKnob } from '../../../shared/config.ts'
import { bytes, ms } from '../lib/format.ts'

const NUMERIC: ReadonlyArray<{ key: NumericKnob; label: string; unit: 'events' | 'bytes' | 'ms' | 'requests' }> = [
  { key: 'queueMaxEvents', label: 'Queue capacity (events)', unit: 'events' },
  { key: 'queueMaxBytes', label: 'Queue capacity (bytes)', unit: 'bytes' },
  { key: 'batchMaxEvents', label: 'Batch size (events)', unit: 'events' },
  { key: 'batchMaxBytes', label: 'Batch size (bytes)', unit: 'bytes' },
  { key: 'flushIntervalMs', label: 'Flush interval (ms)', unit: 'ms' },
  { key: 'maxInflight', label: 'Inflight cap (requests)', unit: 'requests' },
  { key: 'maxInflightBytes', label: 'Inflight cap (bytes)', unit: 'bytes' },
  { key: 'maxBodyBytes', label: 'Body limit (bytes)', unit: 'bytes' },
  { key: 'dbLatencyMs', label: 'Injected DB latency (ms)', unit: 'ms' },
]

/** The knobs chosen from a list, in the order shown; values from shared/config.ts. */
const CHOICES: ReadonlyArray<{ key: EnumKnob; label: string; text?: Record<string, string> }> = [
  { key: 'writer', label: 'Writer strategy' },
  { key: 'admission', label: 'Admission mode' },
  { key: 'ack', label: 'Default acknowledgement', text: { queued: 'queued (202)', commit: 'committed (200)' } },
]

function hint(unit: string, value: number): string {
  return unit === 'bytes' ? bytes(value) : unit === 'ms' ? ms(value) : ''
}

function NumberKnob({ name, label, unit, value, onApply }: { name: NumericKnob; label: string; unit: string; value: number; onApply: (value: number) => void }) {
  // The draft belongs to the value it was typed over: a change from elsewhere resets it.
  const id = useId()
  const [draft, setDraft] = useState<{ base: number; text: string }>({ base: value, text: String(value) })
  const text = draft.base === value ? draft.text : String(value)
  const limits = LIVE_KNOB_LIMITS[name]
  const parsed = Number(text.replaceAll('_', ''))
  const valid = text.trim() !== '' && Number.isInteger(parsed) && parsed >= limits.min && parsed <= limits.max
  const apply = () => {
    if (valid && parsed !== value) onApply(parsed)
  }
  const onKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') apply()
    if (event.key === 'Escape') setDraft({ base: value, text: String(value) })
  }
  return (
    <div className="field knob" data-knob={name}>
      <label htmlFor={id}>{label}</label>
      <input
        id={id}
        aria-describedby={`${id}-hint`}
        type="number"
        min={limits.min}
        max={limits.max}
        step={1}
        value={text}
        aria-invalid={!valid}
        onChange={(e) => setDraft({ base: value, text: e.target.value })}
        onBlur={apply}
        onKeyDown={onKey}
      />
      <small id={`${id}-hint`} className="knob-hint">
        {valid ? hint(unit, parsed) : `${limits.min} to ${limits.max}`}
      </small>
    </div>
  )
}

/** The live knobs (PATCH /api/config): each change applies at once and is marked on the charts. */
export const KnobsPanel = memo(function KnobsPanel({ config, error, onChange }: { config: EffectiveConfig | null; error: string | null; onChange: (change: Partial<LiveConfig>) => void }) {
  if (!config) {
    return (
      <section className="panel" aria-labelledby="knobs-title">
        <h2 id="knobs-title">Knobs</h2>
        <p className="muted">Waiting for the server…</p>
      </section>
    )
  }
  const live = config.live
  return (
    <section className="panel" aria-labelledby="knobs-title">
      <h2 id="knobs-title">Knobs</h2>
      <p className="muted small">Applied on Enter or when the field loses focus; every change is drawn on the charts.</p>
      <div className="knobs">
        {CHOICES.map(({ key, label, text }) => (
          <label key={key} className="field knob" data-knob={key}>
            <span>{label}</span>
            <select value={live[key]} onChange={(e) => onChange({ [key]: e.target.value })}>
              {LIVE_KNOB_ENUMS[key].map((value: string) => (
                <option key={value} value={value}>
                  {text?.[value] ?? value}
                </option>
              ))}
            </select>
          </label>
        ))}
        {NUMERIC.map(({ key, label, unit }) => (
          <NumberKnob key={key} name={key} label={label} unit={unit} value={live[key]} onApply={(value) => onChange({ [key]: value })} />
        ))}
      </div>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <p className="muted small fixed-settings">
        Fixed at start: tick {config.fixed.tickMs} ms · history {config.fixed.historySeconds} s · event limit {bytes(config.fixed.maxEventBytes)} · database {config.fixed.database} · pool {config.fixed.dbPoolSize}
      </p>
    </section>
  )
})
