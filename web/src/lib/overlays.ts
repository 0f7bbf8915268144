import type { BurstModel, BurstSummary, LoadChange } from '../../../shared/bursts.ts'
import type { Mark, Overlays, Span } from '../components/charts/overlays.tsx'
import { count } from './format.ts'
import type { StreamStore } from './stream-store.ts'

/** "Rate 20 → 100/s", "Connections 10 → 50": a burst's level set by hand. */
export function loadChangeText(model: BurstModel | null, change: LoadChange): string {
  return model === 'closed' ? `Connections ${count(change.from)} → ${count(change.to)}` : `Rate ${count(change.from)} → ${count(change.to)}/s`
}

/** Burst spans (from the run list and the live stream) and marks (notes, knob changes, load changes) for the charts. */
export function buildOverlays(store: StreamStore, runs: readonly BurstSummary[]): Overlays {
  const spans = new Map<string, Span>()
  for (const run of runs) spans.set(run.id, { id: run.id, name: run.name, from: run.startedAt, to: run.endedAt })
  // The stream is fresher than the last fetch of the list: its ends win.
  for (const burst of store.bursts.values()) spans.set(burst.id, { id: burst.id, name: spans.get(burst.id)?.name ?? burst.name, from: burst.startedAt, to: burst.endedAt })
  const marks: Mark[] = []
  for (const a of store.annotations.toArray()) marks.push({ key: `a${a.id}`, at: a.at, text: a.text, kind: 'annotation' })
  store.configMarks.toArray().forEach((m, i) => marks.push({ key: `c${i}-${m.at}`, at: m.at, text: m.text, title: `${m.text} (by ${m.by})`, kind: 'config' }))
  // Load changes: the run list has them after a reload; the stream has the ones since.
  const loads = new Map<string, Mark>()
  const addLoad = (id: string, model: BurstModel | null, change: LoadChange) => {
    const text = loadChangeText(model, change)
    loads.set(`l${id}-${change.t}`, { key: `l${id}-${change.t}`, at: change.at, text, title: `${text} (by ${change.by})`, kind: 'load' })
  }
  for (const run of runs) for (const change of run.loadChanges ?? []) addLoad(run.id, run.model, change)
  for (const burst of store.bursts.values()) for (const change of burst.loadChanges) addLoad(burst.id, burst.model ?? runs.find((r) => r.id === burst.id)?.model ?? null, change)
  marks.push(...loads.values())
  return { spans: [...spans.values()].sort((a, b) => a.from - b.from), marks: marks.sort((a, b) => a.at - b.at) }
}
