import type { BurstSummary } from '../../../shared/bursts.ts'
import type { Mark, Overlays, Span } from '../components/charts/overlays.tsx'
import type { StreamStore } from './stream-store.ts'

/** Burst spans (from the run list and the live stream) and marks (notes, knob changes) for the charts. */
export function buildOverlays(store: StreamStore, runs: readonly BurstSummary[]): Overlays {
  const spans = new Map<string, Span>()
  for (const run of runs) spans.set(run.id, { id: run.id, name: run.name, from: run.startedAt, to: run.endedAt })
  // The stream is fresher than the last fetch of the list: its ends win.
  for (const burst of store.bursts.values()) spans.set(burst.id, { id: burst.id, name: spans.get(burst.id)?.name ?? burst.name, from: burst.startedAt, to: burst.endedAt })
  const marks: Mark[] = []
  for (const a of store.annotations.toArray()) marks.push({ key: `a${a.id}`, at: a.at, text: a.text, kind: 'annotation' })
  store.configMarks.toArray().forEach((m, i) => marks.push({ key: `c${i}-${m.at}`, at: m.at, text: m.text, kind: 'config' }))
  return { spans: [...spans.values()].sort((a, b) => a.from - b.from), marks: marks.sort((a, b) => a.at - b.at) }
}
