import { useRef, useState } from 'react'
import type { BurstSummary } from '../../../../shared/bursts.ts'
import { useRun } from '../../hooks/useRun.ts'
import { useWidth } from '../../hooks/useWidth.ts'
import type { UrlState } from '../../lib/url-state.ts'
import type { Palette } from '../../theme.ts'
import { ComparisonNotes } from './ComparisonNotes.tsx'
import { RunCompare } from './RunCompare.tsx'
import { RunList } from './RunList.tsx'
import { RunView } from './RunView.tsx'

interface RunsViewProps {
  runs: readonly BurstSummary[]
  palette: Palette
  /** The run opened, from the URL. */
  openId: string | null
  /** The two runs compared, from the URL (empty when not comparing). */
  compareIds: readonly string[]
  onSelect: (change: Partial<UrlState>) => void
}

/** The Runs tab: history, one run opened, or two compared; which one is in the URL. */
export function RunsView({ runs, palette, openId, compareIds, onSelect }: RunsViewProps) {
  // Ticked boxes are a choice in progress; the URL holds a comparison once it is asked for.
  const [ticked, setTicked] = useState<string[]>([...compareIds])
  const comparing = compareIds.length === 2
  const container = useRef<HTMLElement>(null)
  const width = useWidth(container, 1200)
  // A run that was still going when opened is fetched again once the list says it ended.
  const statusOf = (id: string | null) => runs.find((r) => r.id === id)?.status ?? ''
  const open = useRun(comparing ? null : openId, statusOf(openId))
  // A is the earlier run, so "B / A" reads as "the later run against the earlier".
  const startOf = (id: string) => runs.find((r) => r.id === id)?.startedAt ?? 0
  const [first, second] = [...compareIds].sort((x, y) => startOf(x) - startOf(y))
  const a = useRun(comparing ? (first ?? null) : null, statusOf(first ?? null))
  const b = useRun(comparing ? (second ?? null) : null, statusOf(second ?? null))

  const toggle = (id: string) => setTicked((ids) => (ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id].slice(-2)))
  return (
    <section ref={container} className="runs-view" aria-labelledby="runs-title">
      <div className="runs-head">
        <h2 id="runs-title">Run history</h2>
        <button type="button" className="primary" disabled={ticked.length !== 2} onClick={() => onSelect({ compare: ticked, run: null })}>
          Compare selected ({ticked.length}/2)
        </button>
      </div>
      <ComparisonNotes runs={runs} />
      <RunList runs={runs} openId={openId} compareIds={ticked} onOpen={(id) => onSelect({ run: id, compare: [] })} onToggleCompare={toggle} />
      {comparing ? (
        a?.status === 'ready' && b?.status === 'ready' ? (
          <RunCompare a={a.record} b={b.record} width={width} palette={palette} />
        ) : (
          <p className="muted" role="status">
            {a?.status === 'error' ? a.error : b?.status === 'error' ? b.error : 'Loading both runs…'}
          </p>
        )
      ) : open?.status === 'ready' ? (
        <RunView record={open.record} width={width} palette={palette} />
      ) : open?.status === 'error' ? (
        <p role="alert" className="error">
          {open.error}
        </p>
      ) : open?.status === 'loading' ? (
        <p className="muted" role="status">
          Loading run…
        </p>
      ) : null}
    </section>
  )
}
