import { memo, useState, type FormEvent, type ReactNode } from 'react'
import { BAD_KINDS, BODY_FORMATS, BURST_MODELS, BURST_SHAPE_KINDS, type BurstSpec } from '../../../../shared/bursts.ts'
import { DEFAULT_FORM, specFromForm, type SpecForm } from '../../lib/spec-form.ts'

const BAD_LABELS: Record<(typeof BAD_KINDS)[number], string> = {
  oversized_1mb: '1 MB bodies',
  oversized_5mb: '5 MB bodies',
  oversized_20mb: '20 MB bodies',
  malformed: 'malformed JSON',
  slow_drip: 'slow drip',
  disconnect: 'hang up mid-body',
}

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="field">
      <span>{label}</span>
      {children}
    </label>
  )
}

/** A custom burst: every part of a spec, checked here for form and by the server for caps. */
export const BurstForm = memo(function BurstForm({ disabled, onStart }: { disabled: boolean; onStart: (spec: BurstSpec) => void }) {
  const [form, setForm] = useState<SpecForm>(DEFAULT_FORM)
  const [error, setError] = useState<string | null>(null)
  const set = <K extends keyof SpecForm>(key: K, value: SpecForm[K]) => setForm((f) => ({ ...f, [key]: value }))
  const text = (key: 'level' | 'from' | 'to' | 'levels' | 'base' | 'peak' | 'atS' | 'forS' | 'durationS' | 'eventsPerRequest' | 'eventBytes' | 'dripMs', inputMode: 'numeric' | 'decimal' | 'text' = 'decimal') => (
    <input value={form[key]} inputMode={inputMode} onChange={(e) => set(key, e.target.value)} />
  )
  const unit = form.model === 'closed' ? 'connections' : 'requests/s'
  const submit = (event: FormEvent) => {
    event.preventDefault()
    try {
      onStart(specFromForm(form))
      setError(null)
    } catch (e) {
      setError((e as Error).message)
    }
  }
  return (
    <form className="burst-form" aria-label="Custom burst" onSubmit={submit}>
      <div className="form-grid">
        <Field label="Model">
          <select value={form.model} onChange={(e) => set('model', e.target.value as SpecForm['model'])}>
            {BURST_MODELS.map((m) => (
              <option key={m} value={m}>
                {m === 'closed' ? 'closed (concurrency)' : 'open (arrival rate)'}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Shape">
          <select value={form.shape} onChange={(e) => set('shape', e.target.value as SpecForm['shape'])}>
            {BURST_SHAPE_KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </Field>
        {form.shape === 'steady' && <Field label={`Level (${unit})`}>{text('level')}</Field>}
        {form.shape === 'ramp' && (
          <>
            <Field label={`From (${unit})`}>{text('from')}</Field>
            <Field label={`To (${unit})`}>{text('to')}</Field>
          </>
        )}
        {form.shape === 'step' && <Field label={`Levels (${unit}, comma-separated)`}>{text('levels', 'text')}</Field>}
        {form.shape === 'spike' && (
          <>
            <Field label={`Base (${unit})`}>{text('base')}</Field>
            <Field label={`Peak (${unit})`}>{text('peak')}</Field>
            <Field label="Spike at (s)">{text('atS')}</Field>
            <Field label="Spike for (s)">{text('forS')}</Field>
          </>
        )}
        <Field label="Duration (s)">{text('durationS')}</Field>
        <Field label="Events per request">{text('eventsPerRequest', 'numeric')}</Field>
        <Field label="Event size (bytes)">{text('eventBytes', 'numeric')}</Field>
        <Field label="Body format">
          <select value={form.format} onChange={(e) => set('format', e.target.value as SpecForm['format'])}>
            {BODY_FORMATS.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Acknowledge">
          <select value={form.ack} onChange={(e) => set('ack', e.target.value as SpecForm['ack'])}>
            <option value="queued">when queued (202)</option>
            <option value="commit">when committed (200)</option>
          </select>
        </Field>
      </div>
      <fieldset className="bad-mix">
        <legend>Bad traffic (% of requests)</legend>
        <div className="form-grid">
          {BAD_KINDS.map((kind) => (
            <Field key={kind} label={BAD_LABELS[kind]}>
              <input inputMode="decimal" value={form.bad[kind]} onChange={(e) => set('bad', { ...form.bad, [kind]: e.target.value })} />
            </Field>
          ))}
          {Number(form.bad.slow_drip) > 0 && <Field label="Drip time (ms)">{text('dripMs', 'numeric')}</Field>}
        </div>
      </fieldset>
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <button type="submit" className="primary" disabled={disabled}>
        Start custom burst
      </button>
    </form>
  )
})
