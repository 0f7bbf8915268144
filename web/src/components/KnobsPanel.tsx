import { memo, useId, useState, type KeyboardEvent } from 'react'
import { ACK_MODES, ADMISSION_MODES, LIVE_KNOB_LIMITS, type EffectiveConfig, type LiveConfig, type NumericKnob } from '../../../shared/config.ts'
import { WRITER_STRATEGIES } from '../../../shared/ingest.ts'
import type { KnobError } from '../hooks/useConfig.ts'
import { bytes, count } from '../lib/format.ts'
import { KNOB_TEXT, knobValue } from '../lib/knob-text.ts'

const NUMERIC: readonly NumericKnob[] = ['queueMaxEvents', 'queueMaxBytes', 'batchMaxEvents', 'batchMaxBytes', 'flushIntervalMs', 'maxInflight', 'maxInflightBytes', 'maxBodyBytes', 'dbLatencyMs']

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
  const selectError = (key: 'writer' | 'ack') =>
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
        <label className="field knob" data-knob="writer">
          <span>{KNOB_TEXT.writer.label}</span>
          <select value={live.writer} onChange={(e) => onChange({ writer: e.target.value as LiveConfig['writer'] })}>
            {WRITER_STRATEGIES.map((w) => (
              <option key={w} value={w}>
                {w}
              </option>
            ))}
          </select>
          {selectError('writer')}
        </label>
        <label className="field knob" data-knob="admission">
          <span>Admission mode</span>
          <select value={live.admission} onChange={(e) => onChange({ admission: e.target.value as LiveConfig['admission'] })}>
            {ADMISSION_MODES.map((mode) => (
              <option key={mode} value={mode}>
                {mode}
              </option>
            ))}
          </select>
        </label>
        <label className="field knob" data-knob="ack">
          <span>{KNOB_TEXT.ack.label}</span>
          <select value={live.ack} onChange={(e) => onChange({ ack: e.target.value as LiveConfig['ack'] })}>
            {ACK_MODES.map((a) => (
              <option key={a} value={a}>
                {a === 'queued' ? 'queued (202)' : 'committed (200)'}
              </option>
            ))}
          </select>
          {selectError('ack')}
        </label>
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
