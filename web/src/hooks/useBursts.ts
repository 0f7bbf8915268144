import { useCallback, useEffect, useState } from 'react'
import type { BurstPreset, BurstSpec, BurstSummary, LoadPatch } from '../../../shared/bursts.ts'
import type { BurstCaps, BurstList, BurstStarted, PresetsResponse } from '../../../shared/api.ts'
import { PRESETS } from '../../../shared/presets.ts'
import { errorText, getJson, sendJson } from '../api.ts'

/** What starting or stopping a burst came to: the id, or the error for the control that asked. */
export type BurstAction = { ok: true; id: string } | { ok: false; error: unknown }

export interface Bursts {
  readonly presets: readonly BurstPreset[]
  /** Past and running runs, newest first. */
  readonly runs: readonly BurstSummary[]
  /** Why the run history could not be read; start and stop errors go back to their button. */
  readonly listError: string | null
  readonly start: (what: { preset: string } | { spec: BurstSpec }) => Promise<BurstAction>
  readonly stop: (id: string) => Promise<BurstAction>
  /** Sets a running burst's rate or connections from now on (PATCH /api/bursts/:id). */
  readonly setLevel: (id: string, patch: LoadPatch) => Promise<BurstAction>
  /** This server's caps, once read (the same the server checks a level against). */
  readonly caps: BurstCaps | null
  readonly refresh: () => void
}

/**
 * Presets, run history and burst control. `changes` is anything that moves when a burst
 * starts or ends (the stream tells); the run list is fetched again when it does.
 */
export function useBursts(changes: string): Bursts {
  // The shared table is what the server serves too; it shows at once, before the fetch.
  const [presets, setPresets] = useState<readonly BurstPreset[]>(PRESETS)
  const [caps, setCaps] = useState<BurstCaps | null>(null)
  const [runs, setRuns] = useState<readonly BurstSummary[]>([])
  const [listError, setListError] = useState<string | null>(null)
  const [refreshes, setRefreshes] = useState(0)

  useEffect(() => {
    const abort = new AbortController()
    getJson<PresetsResponse>('/api/presets', abort.signal)
      .then((body) => {
        setPresets(body.presets)
        setCaps(body.caps)
      })
      .catch(() => {
        // The built-in table stays; the burst routes will say what is wrong when used.
      })
    return () => abort.abort()
  }, [])

  useEffect(() => {
    const abort = new AbortController()
    getJson<BurstList>('/api/bursts', abort.signal)
      .then((body) => {
        setRuns(body.bursts)
        setListError(null)
      })
      .catch((e) => {
        if (!abort.signal.aborted) setListError(errorText(e, 'The run history could not be read'))
      })
    return () => abort.abort()
  }, [changes, refreshes])

  const start = useCallback(async (what: { preset: string } | { spec: BurstSpec }): Promise<BurstAction> => {
    try {
      const started = await sendJson<BurstStarted>('POST', '/api/bursts', what)
      setRefreshes((n) => n + 1)
      return { ok: true, id: started.id }
    } catch (error) {
      return { ok: false, error }
    }
  }, [])

  const stop = useCallback(async (id: string): Promise<BurstAction> => {
    try {
      await sendJson('DELETE', `/api/bursts/${encodeURIComponent(id)}`)
      return { ok: true, id }
    } catch (error) {
      return { ok: false, error }
    } finally {
      setRefreshes((n) => n + 1)
    }
  }, [])

  const setLevel = useCallback(async (id: string, patch: LoadPatch): Promise<BurstAction> => {
    try {
      await sendJson('PATCH', `/api/bursts/${encodeURIComponent(id)}`, patch)
      return { ok: true, id }
    } catch (error) {
      return { ok: false, error }
    }
  }, [])

  const refresh = useCallback(() => setRefreshes((n) => n + 1), [])
  return { presets, runs, listError, start, stop, setLevel, caps, refresh }
}
