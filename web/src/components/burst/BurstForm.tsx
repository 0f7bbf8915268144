import { memo, useEffect, useId, useState, type FormEvent, type ReactNode } from 'react'
import { BAD_KINDS, BODY_FORMATS, BURST_MODELS, BURST_SHAPE_KINDS, type BurstSpec } from '../../../../shared/bursts.ts'
import type { BurstAction } from '../../hooks/useBursts.ts'
import { startErrorOf } from '../../lib/spec-errors.ts'
import { BAD_LABELS, DEFAULT_FORM, specFromForm, type FormField, type SpecForm } from '../../lib/spec-form.ts'

type TextKey = 'level' | 'from' | 'to' | 'levels' | 'base' | 'peak' | 'atS' | 'forS' | 'durationS' | 'eventsPerRequest' | 'eventBytes' | 'dripMs'

function Field({ label, children }: { label: string; children: ReactNode }) {
  return (
    <label className="field">
      <span>{label}</span>
      {children}
    </label>
  )
}

/**
 * A custom burst: every part of a spec, checked here for form and by the server for caps.
 * Whatever stops it starting is said right above the Start button, in the form's words,
 * and the field to fix is marked and focused.
 */
export const BurstForm = memo(function BurstForm({ disabled, onStart }: { disabled: boolean; onStart: (spec: BurstSpec) => Promise<BurstAction> }) {
  const formId = useId()
  const [form, setForm] = useState<SpecForm>(DEFAULT_FORM)
  const [error, setError] = useState<{ field: FormField | null; message: string } | null>(null)
  const [sending, setSending] = useState(false)
  const inputId = (field: FormField) => `${formId}-${field.replace('.', '-')}`
  const invalid = (field: FormField) => error?.field === field
  const edited = (field: FormField) => {
    if (error?.field === field) setError(null)
  }
  const set = <K extends keyof SpecForm>(key: K, value: SpecForm[K]) => {
    setForm((f) => ({ ...f, [key]: value }))
    edited(key as FormField)
  }
  const errorId = `${formId}-error`
  const inputProps = (field: FormField) => ({ id: inputId(field), 'aria-invalid': invalid(field), 'aria-describedby': invalid(field) ? errorId : undefined })
  const text = (key: TextKey, inputMode: 'numeric' | 'decimal' | 'text' = 'decimal') => <input {...inputProps(key)} value={form[key]} inputMode={inputMode} onChange={(e) => set(key, e.target.value)} />
  const unit = form.model === 'closed' ? 'connections' : 'requests/s'

  useEffect(() => {
    if (error?.field) document.getElementById(inputId(error.field))?.focus()
    // inputId is derived from the stable formId.
  }, [error]) // eslint-disable-line react-hooks/exhaustive-deps -- see above

  const submit = async (event: FormEvent) => {
    event.preventDefault()
    let spec: BurstSpec
    try {
      spec = specFromForm(form)
    } catch (e) {
      setError(startErrorOf(e, form.model))
      return
    }
    setError(null)
    setSending(true)
    const result = await onStart(spec)
    setSending(false)
    if (!result.ok) setError(startErrorOf(result.error, form.model))
  }
  return (
    <form className="burst-form" aria-label="Custom burst" onSubmit={(e) => void submit(e)} noValidate>
      <div className="form-grid">
        <Field label="Model">
          <select {...inputProps('model')} value={form.model} onChange={(e) => set('model', e.target.value as SpecForm['model'])}>
            {BURST_MODELS.map((m) => (
              <option key={m} value={m}>
                {m === 'closed' ? 'closed (concurrency)' : 'open (arrival rate)'}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Shape">
          <select {...inputProps('shape')} value={form.shape} onChange={(e) => set('shape', e.target.value as SpecForm['shape'])}>
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
          <select {...inputProps('format')} value={form.format} onChange={(e) => set('format', e.target.value as SpecForm['format'])}>
            {BODY_FORMATS.map((f) => (
              <option key={f} value={f}>
                {f}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Acknowledge">
          <select {...inputProps('ack')} value={form.ack} onChange={(e) => set('ack', e.target.value as SpecForm['ack'])}>
            <option value="queued">when queued (202)</option>
            <option value="commit">when committed (200)</option>
          </select>
        </Field>
      </div>
      <fieldset className="bad-mix" aria-invalid={invalid('bad')}>
        <legend>Bad traffic (% of requests)</legend>
        <div className="form-grid">
          {BAD_KINDS.map((kind) => (
            <Field key={kind} label={BAD_LABELS[kind]}>
              <input
                {...inputProps(`bad.${kind}`)}
                inputMode="decimal"
                value={form.bad[kind]}
                onChange={(e) => {
                  setForm((f) => ({ ...f, bad: { ...f.bad, [kind]: e.target.value } }))
                  edited(`bad.${kind}`)
                  edited('bad')
                }}
              />
            </Field>
          ))}
          {Number(form.bad.slow_drip) > 0 && <Field label="Drip time (ms)">{text('dripMs', 'numeric')}</Field>}
        </div>
      </fieldset>
      {error && (
        <p role="alert" id={errorId} className="error start-error" data-field={error.field ?? ''}>
          {error.message}
        </p>
      )}
      <button type="submit" className="primary" disabled={disabled || sending}>
        {sending ? 'Starting…' : 'Start custom burst'}
      </button>
    </form>
  )
})
