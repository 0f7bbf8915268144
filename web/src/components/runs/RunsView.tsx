import { useRef, useState } from 'react'
import type { BurstSummary } from '../../../../shared/bursts.ts'
import { useRun } from '../../hooks/useRun.ts'
import { useWidth } from '../../hooks/useWidth.ts'
import type { Palette } from '../../theme.ts'
import { RunCompare } from './RunCompare.tsx'
import { RunList } from './RunList.tsx'
import { RunView } from './RunView.tsx'

/** The Runs tab: history, one run opened, or two compared. */
export function RunsView({ runs, palette }: { runs: readonly BurstSummary[]; palette: Palette }) {
  const [openId, setOpenId] = useState<string | null>(null)
  const [compareIds, setCompareIds] = useState<string[]>([])
  const [comparing, setComparing] = useState(false)
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

  const toggleCompare = (id: string) => {
    setComparing(false)
    setCompareIds((ids) => (ids.includes(id) ? ids.filter((x) => x !== id) : [...ids, id].slice(-2)))
  }
  return (
    <section ref={container} className="runs-view" aria-labelledby="runs-title">
      <div className="runs-head">
        <h2 id="runs-title">Run history</h2>
        <button type="button" className="primary" disabled={compareIds.length !== 2} onClick={() => setComparing(true)}>
          Compare selected ({compareIds.length}/2)
        </button>
      </div>
      <RunList
        runs={runs}
        openId={openId}
        compareIds={compareIds}
        onOpen={(id) => {
          setComparing(false)
          setOpenId(id)
        }}
        onToggleCompare={toggleCompare}
      />
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
