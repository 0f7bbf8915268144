import { useState, type FormEvent } from 'react'
import { ANNOTATION_MAX_CHARS } from '../../../shared/sse.ts'
import { errorText, sendJson } from '../api.ts'
import { clock } from '../lib/format.ts'

/** "Mark": a note at this moment on every chart of every open dashboard. */
export function MarkForm() {
  const [text, setText] = useState('')
  const [error, setError] = useState<string | null>(null)
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    try {
      await sendJson('POST', '/api/annotations', { text: text.trim() || `mark ${clock(Date.now())}` })
      setText('')
      setError(null)
    } catch (e) {
      setError(errorText(e, 'Not marked'))
    }
  }
  return (
    <form className="mark-form" onSubmit={submit}>
      <input aria-label="Annotation text" placeholder="note on the timeline…" value={text} maxLength={ANNOTATION_MAX_CHARS} onChange={(e) => setText(e.target.value)} />
      <button type="submit">Mark</button>
      {error && (
        <span role="alert" className="error">
          {error}
        </span>
      )}
    </form>
  )
}
