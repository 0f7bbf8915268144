import { useEffect, useState } from 'react'
import type { BurstRecord } from '../../../shared/bursts.ts'
import { errorText, getJson } from '../api.ts'

export type RunState = { status: 'loading' } | { status: 'error'; error: string } | { status: 'ready'; record: BurstRecord }

/** One run with its per-second series, GET /api/bursts/:id; `version` refetches a run that was still going. */
export function useRun(id: string | null, version = ''): RunState | null {
  const [state, setState] = useState<RunState | null>(null)
  useEffect(() => {
    if (!id) {
      setState(null)
      return
    }
    const abort = new AbortController()
    setState((previous) => (previous?.status === 'ready' && previous.record.id === id ? previous : { status: 'loading' }))
    getJson<BurstRecord>(`/api/bursts/${encodeURIComponent(id)}`, abort.signal)
      .then((record) => setState({ status: 'ready', record }))
      .catch((e) => {
        if (!abort.signal.aborted) setState({ status: 'error', error: errorText(e, 'The run could not be read') })
      })
    return () => abort.abort()
  }, [id, version])
  return state
}
