import { memo, useId, useState, type KeyboardEvent } from 'react'
import { LIVE_KNOB_ENUMS, LIVE_KNOB_LIMITS, type EffectiveConfig, type EnumKnob, type LiveConfig, type NumericKnob } from '../../../shared/config.ts'
import type { KnobError } from '../hooks/useConfig.ts'
import { bytes, count } from '../lib/format.ts'
import { KNOB_TEXT, knobValue } from '../lib/knob-text.ts'

const NUMERIC: readonly NumericKnob[] = ['queueMaxEvents', 'queueMaxBytes', 'batchMaxEvents', 'batchMaxBytes', 'flushIntervalMs', 'maxInflight', 'maxInflightBytes', 'maxBodyBytes', 'dbLatencyMs']

/** The knobs chosen from a list, in the order shown; their values come from shared/config.ts. */
const CHOICES: ReadonlyArray<{ key: EnumKnob; text?: Record<string, string> }> = [
  { key: 'writer' },
  { key: 'admission' },
  { key: 'bodyReading', text: { stream: 'stream (checked as it arrives)', buffer: 'buffer (Level 0: read whole first)' } },
  { key: 'ack', text: { queued: 'queued (202)', commit: 'committed (200)' } },
]

const labelOf = (key: NumericKnob) => `${KNOB_TEXT[key].label} (${KNOB_TEXT[key].unit})`
const limitText = (key: NumericKnob) => {
  const { min, max } = LIVE_KNOB_LIMITS[key]
  return KNOB_TEXT[key].unit === 'bytes' ? `${count(min)} to ${count(max)} (${bytes(max)})` : `${count(min)} to ${count(max)}`
}

function NumberKnob({ name, value, serverError, onApply }: { name: NumericKnob; value: number; serverError: string | null; onApply: (value: number) => void }) {
  // The draft belongs to the value it was typed over: a change from elsewhere resets it.
  const id = useId()
  const [draft, setDraft] = useState<{ base: number; text: string; refused: boolean }>({ base: value, text: String(value), refused: false })
  const current = draft.base === value ? draft : { base: value, text: String(value), refused: false }
  const limits = LIVE_KNOB_LIMITS[name]
  const parsed = Number(current.text.replaceAll('_', ''))
  const valid = current.text.trim() !== '' && Number.isInteger(parsed) && parsed >= limits.min && parsed <= limits.max
  const apply = () => {
    if (!valid) {
      // Said where the value is, so an out-of-range number is not mistaken for the one in force.
      if (current.text !== String(value)) setDraft({ ...current, refused: true })
      return
    }
    if (parsed !== value) onApply(parsed)
  }
  const onKey = (event: KeyboardEvent<HTMLInputElement>) => {
    if (event.key === 'Enter') apply()
    if (event.key === 'Escape') setDraft({ base: value, text: String(value), refused: false })
  }
  const message = current.refused
    ? `Not applied: enter a whole number from ${limitText(name)}. Still ${knobValue(name, value)}.`
    : serverError
  return (
    <div className="field knob" data-knob={name}>
      <label htmlFor={id}>{labelOf(name)}</label>
      <input
        id={id}
        aria-describedby={`${id}-hint`}
        type="number"
        min={limits.min}
        max={limits.max}
        step={1}
        value={current.text}
        aria-invalid={!valid || message !== null}
        onChange={(e) => setDraft({ base: value, text: e.target.value, refused: false })}
        onBlur={apply}
        onKeyDown={onKey}
      />
      <small id={`${id}-hint`} className={message ? 'knob-hint error' : 'knob-hint'} role={message ? 'alert' : undefined}>
        {message ?? (valid ? knobValue(name, parsed) : `${limitText(name)}: not applied yet`)}
      </small>
    </div>
  )
}

interface KnobsPanelProps {
  config: EffectiveConfig | null
  /** A change the server refused or never got, shown by the knob it was for. */
  error: KnobError | null
  onChange: (change: Partial<LiveConfig>) => void
}

/** The live knobs (PATCH /api/config): each change applies at once and is marked on the charts. */
export const KnobsPanel = memo(function KnobsPanel({ config, error, onChange }: KnobsPanelProps) {
  if (!config) {
    return (
      <section className="panel" aria-labelledby="knobs-title">
        <h2 id="knobs-title">Knobs</h2>
        <p className="muted">Waiting for the server…</p>
      </section>
    )
  }
  const live = config.live
  const errorFor = (key: keyof LiveConfig) => (error?.key === key ? error.message : null)
  const selectError = (key: EnumKnob) =>
    errorFor(key) && (
      <small className="knob-hint error" role="alert">
        {errorFor(key)}
      </small>
    )
  return (
    <section className="panel" aria-labelledby="knobs-title">
      <h2 id="knobs-title">Knobs</h2>
      <p className="muted small">Applied on Enter or when the field loses focus; every change is drawn on the charts.</p>
      <div className="knobs">
        {CHOICES.map(({ key, text }) => (
          <label key={key} className="field knob" data-knob={key}>
            <span>{KNOB_TEXT[key].label}</span>
            <select value={live[key]} onChange={(e) => onChange({ [key]: e.target.value })}>
              {LIVE_KNOB_ENUMS[key].map((value: string) => (
                <option key={value} value={value}>
                  {text?.[value] ?? value}
                </option>
              ))}
            </select>
            {selectError(key)}
          </label>
        ))}
        {NUMERIC.map((key) => (
          <NumberKnob key={key} name={key} value={live[key]} serverError={errorFor(key)} onApply={(value) => onChange({ [key]: value })} />
        ))}
      </div>
      {error && error.key === null && (
        <p role="alert" className="error">
          {error.message}
        </p>
      )}
      <p className="muted small fixed-settings">
        Fixed at start: tick {config.fixed.tickMs} ms · history {config.fixed.historySeconds} s · event limit {bytes(config.fixed.maxEventBytes)} · database {config.fixed.database} · pool {config.fixed.dbPoolSize}
      </p>
    </section>
  )
})
