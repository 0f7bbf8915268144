import { useId, useState, type FormEvent } from 'react'
import type { BurstCaps } from '../../../../shared/api.ts'
import { loadField, type BurstModel, type LoadPatch } from '../../../../shared/bursts.ts'
import { InvalidValue } from '../../../../shared/knobs.ts'
import { checkLoadPatch } from '../../../../shared/load-patch.ts'
import { errorText, type ApiError } from '../../api.ts'
import type { BurstAction } from '../../hooks/useBursts.ts'

interface LoadControlProps {
  id: string
  model: BurstModel
  /** The level in force now (the last tick's target). */
  level: number | null
  /** null until read: the server checks the cap itself. */
  caps: BurstCaps | null
  onSet: (id: string, patch: LoadPatch) => Promise<BurstAction>
}

/** Changes a running burst's rate (open) or connections (closed) from now on, like Locust's edit users. */
export function LoadControl({ id, model, level, caps, onSet }: LoadControlProps) {
  const inputId = useId()
  const field = loadField(model)
  const [text, setText] = useState('')
  const [error, setError] = useState<string | null>(null)
  const [busy, setBusy] = useState(false)
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const value = Number(text.trim())
    const patch = { [field]: text.trim() === '' ? undefined : value } as unknown as LoadPatch
    try {
      // The same check the server makes, so a value out of range is said here at once.
      checkLoadPatch(patch, model, caps ?? { maxRate: Number.MAX_SAFE_INTEGER, maxConnections: Number.MAX_SAFE_INTEGER, maxDurationMs: 0 })
    } catch (e) {
      if (!(e instanceof InvalidValue)) throw e
      setError(`Not applied: ${model === 'open' ? 'the rate' : 'connections'} must be ${e.detail.replace(/^expected /, '')}.`)
      return
    }
    setBusy(true)
    const result = await onSet(id, patch)
    setBusy(false)
    if (result.ok) {
      setError(null)
      setText('')
    } else {
      const api = result.error as ApiError
      setError(api.code === 'burst_ended' ? 'Not applied: the burst has ended.' : errorText(result.error, 'Not applied'))
    }
  }
  const label = model === 'open' ? 'Rate (requests/s)' : 'Connections'
  // noValidate: the shared check says what is wrong beside the field, not a browser bubble.
  return (
    <form className="load-control" noValidate onSubmit={(e) => void submit(e)} aria-label="Change the load">
      <label htmlFor={inputId}>{label}</label>
      <input
        id={inputId}
        type="number"
        min={0}
        max={model === 'open' ? caps?.maxRate : caps?.maxConnections}
        step={model === 'open' ? 'any' : 1}
        placeholder={level === null ? '' : String(level)}
        value={text}
        aria-invalid={error !== null}
        onChange={(e) => {
          setText(e.target.value)
          setError(null)
        }}
      />
      <button type="submit" className="small" disabled={busy || text.trim() === ''}>
        Set
      </button>
      {error && (
        <p role="alert" className="error small">
          {error}
        </p>
      )}
    </form>
  )
}
