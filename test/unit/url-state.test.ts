import { describe, expect, it } from 'vitest'
import { DEFAULT_WINDOW_MS, parseUrlState, urlSearch } from '../../web/src/lib/url-state.ts'

describe('the view in the URL', () => {
  it('opens on the live tab, following a one-minute window, with no run', () => {
    expect(parseUrlState('')).toEqual({ tab: 'live', windowMs: DEFAULT_WINDOW_MS, range: null, run: null, compare: [] })
    expect(urlSearch(parseUrlState(''))).toBe('')
  })

  it('carries a zoomed range, a window, a run and a comparison there and back', () => {
    const state = { tab: 'runs', windowMs: 300_000, range: { from: 1_700_000_000_000, to: 1_700_000_020_000 }, run: 'a1b2', compare: ['x-1', 'y-2'] } as const
    const search = urlSearch(state)
    expect(search).toBe('?tab=runs&window=300&from=1700000000000&to=1700000020000&run=a1b2&compare=x-1%2Cy-2')
    expect(parseUrlState(search)).toEqual(state)
  })

  it('ignores what it cannot show: an unknown window, a backwards or too narrow range, ids that are not ids', () => {
    const state = parseUrlState('?window=7&from=2000&to=1000&run=../etc&compare=a,b,c,%3Cx%3E')
    expect(state.windowMs).toBe(DEFAULT_WINDOW_MS)
    expect(state.range).toBeNull()
    expect(state.run).toBeNull()
    expect(state.compare).toEqual(['a', 'b'])
    expect(parseUrlState('?from=1000&to=2000').range).toBeNull()
  })
})
