import { useEffect } from 'react'
import type { BurstRecord, BurstSummary } from '../../../shared/bursts.ts'
import { getJson } from '../api.ts'
import { MAX_WINDOW_MS, type StreamStore } from '../lib/stream-store.ts'

/**
 * Gives the dashboard what the stream cannot: the end of a burst that came while the
 * stream was away, and the runs of the burst charts. The live stream only carries burst
 * ticks from the moment the page connected, so after a reload a run that ended a minute
 * ago would be a shaded span over "No burst in this window". Runs within the charts'
 * longest window are fetched once each, one at a time, and folded into the store.
 */
export function useBackfill(store: StreamStore, runs: readonly BurstSummary[], now: number | null): void {
  // The list is fetched again after a reconnection: what it says has ended has ended.
  useEffect(() => store.reconcile(runs), [store, runs])

  useEffect(() => {
    if (now === null) return
    const wanted = runs.filter((run) => !store.backfilled.has(run.id) && (run.endedAt ?? now) >= now - MAX_WINDOW_MS)
    if (!wanted.length) return
    const abort = new AbortController()
    void (async () => {
      for (const run of wanted) {
        try {
          const record = await getJson<BurstRecord>(`/api/bursts/${encodeURIComponent(run.id)}`, abort.signal)
          if (abort.signal.aborted) return
          store.backfill(record)
        } catch {
          // A run that cannot be read now stays a span without its lines; the next list refresh tries again.
          if (abort.signal.aborted) return
        }
      }
    })()
    return () => abort.abort()
    // `now` only says the stream has started; its every tick must not refetch.
  }, [store, runs, now === null]) // eslint-disable-line react-hooks/exhaustive-deps -- see above
}
