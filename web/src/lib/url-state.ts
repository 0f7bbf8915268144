/**
 * What a link to the dashboard carries: the tab, the charts' window or the fixed range
 * they show (zoomed or paused), and the run opened or the two compared. Parsed once on
 * load; every change is written back with replaceState, so a copied URL opens the same view.
 */

export type Tab = 'live' | 'runs' | 'lessons'

export interface TimeRange {
  readonly from: number
  readonly to: number
}

export interface UrlState {
  readonly tab: Tab
  readonly windowMs: number
  /** null: the live, rolling window. */
  readonly range: TimeRange | null
  readonly run: string | null
  readonly compare: readonly string[]
}

export const WINDOWS = [
  { ms: 60_000, label: '1 min' },
  { ms: 5 * 60_000, label: '5 min' },
  { ms: 15 * 60_000, label: '15 min' },
] as const

/** One minute: a 15-second burst fills a quarter of it, not a sliver of five minutes. */
export const DEFAULT_WINDOW_MS = 60_000
/** A narrower range has too few ticks to read. */
export const MIN_RANGE_MS = 2_000

const ID = /^[\w-]{1,64}$/

export function parseUrlState(search: string): UrlState {
  const q = new URLSearchParams(search)
  const windowS = Number(q.get('window'))
  const windowMs = WINDOWS.find((w) => w.ms === windowS * 1000)?.ms ?? DEFAULT_WINDOW_MS
  const from = Number(q.get('from'))
  const to = Number(q.get('to'))
  const range = q.has('from') && q.has('to') && Number.isFinite(from) && Number.isFinite(to) && to - from >= MIN_RANGE_MS ? { from, to } : null
  const run = q.get('run')
  const compare = (q.get('compare') ?? '').split(',').filter((id) => ID.test(id)).slice(0, 2)
  return { tab: q.get('tab') === 'runs' || q.get('tab') === 'lessons' ? (q.get('tab') as Tab) : 'live', windowMs, range, run: run && ID.test(run) ? run : null, compare }
}

export function urlSearch(state: UrlState): string {
  const q = new URLSearchParams()
  if (state.tab !== 'live') q.set('tab', state.tab)
  if (state.windowMs !== DEFAULT_WINDOW_MS) q.set('window', String(state.windowMs / 1000))
  if (state.range) {
    q.set('from', String(Math.round(state.range.from)))
    q.set('to', String(Math.round(state.range.to)))
  }
  if (state.run) q.set('run', state.run)
  if (state.compare.length) q.set('compare', state.compare.join(','))
  const text = q.toString()
  return text ? `?${text}` : ''
}
