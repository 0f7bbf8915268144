import { useCallback, useEffect, useState } from 'react'
import type { BurstPreset, BurstSpec, BurstSummary } from '../../../shared/bursts.ts'
import type { BurstList, BurstStarted, PresetsResponse } from '../../../shared/api.ts'
import { PRESETS } from '../../../shared/presets.ts'
import { errorText, getJson, sendJson } from '../api.ts'

export interface Bursts {
  readonly presets: readonly BurstPreset[]
  /** Past and running runs, newest first. */
  readonly runs: readonly BurstSummary[]
  readonly error: string | null
  readonly start: (what: { preset: string } | { spec: BurstSpec }) => Promise<string | null>
  readonly stop: (id: string) => Promise<void>
  readonly refresh: () => void
}

/**
 * Presets, run history and burst control. `changes` is anything that moves when a burst
 * starts or ends (the stream tells); the run list is fetched again when it does.
 */
export function useBursts(changes: string): Bursts {
  // The shared table is what the server serves too; it shows at once, before the fetch.
  const [presets, setPresets] = useState<readonly BurstPreset[]>(PRESETS)
  const [runs, setRuns] = useState<readonly BurstSummary[]>([])
  const [error, setError] = useState<string | null>(null)
  const [refreshes, setRefreshes] = useState(0)

  useEffect(() => {
    const abort = new AbortController()
    getJson<PresetsResponse>('/api/presets', abort.signal)
      .then((body) => setPresets(body.presets))
      .catch(() => {
        // The built-in table stays; the burst routes will say what is wrong when used.
      })
    return () => abort.abort()
  }, [])

  useEffect(() => {
    const abort = new AbortController()
    getJson<BurstList>('/api/bursts', abort.signal)
      .then((body) => setRuns(body.bursts))
      .catch((e) => {
        if (!abort.signal.aborted) setError(`run history: ${errorText(e)}`)
      })
    return () => abort.abort()
  }, [changes, refreshes])

  const start = useCallback(async (what: { preset: string } | { spec: BurstSpec }) => {
    try {
      const started = await sendJson<BurstStarted>('POST', '/api/bursts', what)
      setError(null)
      setRefreshes((n) => n + 1)
      return started.id
    } catch (e) {
      setError(errorText(e))
      return null
    }
  }, [])

  const stop = useCallback(async (id: string) => {
    try {
      await sendJson('DELETE', `/api/bursts/${encodeURIComponent(id)}`)
      setError(null)
    } catch (e) {
      setError(errorText(e))
    }
    setRefreshes((n) => n + 1)
  }, [])

  const refresh = useCallback(() => setRefreshes((n) => n + 1), [])
  return { presets, runs, error, start, stop, refresh }
}
