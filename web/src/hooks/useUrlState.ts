import { useCallback, useEffect, useState } from 'react'
import { parseUrlState, urlSearch, type UrlState } from '../lib/url-state.ts'

/** The view's shareable state, read from the URL once and written back on every change. */
export function useUrlState(): [UrlState, (change: Partial<UrlState>) => void] {
  const [state, setState] = useState<UrlState>(() => parseUrlState(location.search))
  useEffect(() => {
    const search = urlSearch(state)
    // replaceState: a zoom or a tab is not a page to go back to.
    if (search !== location.search) history.replaceState(history.state, '', `${location.pathname}${search}${location.hash}`)
  }, [state])
  const update = useCallback((change: Partial<UrlState>) => setState((s) => ({ ...s, ...change })), [])
  return [state, update]
}
