import { useCallback, useMemo, useState } from 'react'
import type { BurstSpec } from '../../shared/bursts.ts'
import type { LiveConfig } from '../../shared/config.ts'
import { BurstPanel } from './components/burst/BurstPanel.tsx'
import type { Overlays } from './components/charts/overlays.tsx'
import { ConnectionBadge } from './components/ConnectionBadge.tsx'
import { Headline } from './components/Headline.tsx'
import { KnobsPanel } from './components/KnobsPanel.tsx'
import { LiveCharts } from './components/LiveCharts.tsx'
import { MarkForm } from './components/MarkForm.tsx'
import { RunsView } from './components/runs/RunsView.tsx'
import { WindowPicker } from './components/WindowPicker.tsx'
import { useBursts } from './hooks/useBursts.ts'
import { useConfig } from './hooks/useConfig.ts'
import { useStream } from './hooks/useStream.ts'
import { useTheme } from './hooks/useTheme.ts'
import { currentFigures } from './lib/figures.ts'
import { buildOverlays } from './lib/overlays.ts'

type Tab = 'live' | 'runs'

export function App() {
  const { theme, palette, toggle } = useTheme()
  const { store, version, status } = useStream()
  const [windowMs, setWindowMs] = useState(5 * 60_000)
  const [tab, setTab] = useState<Tab>('live')
  const config = store.config
  const knobs = useConfig()

  // The store is mutable; `version` is what says it changed.
  const figures = useMemo(() => currentFigures(store.snapshots), [store, version])
  const lastBurst = useMemo(() => [...store.bursts.values()].at(-1), [store, version])
  // Refetch the run list when a burst starts or ends, not on every tick of it.
  const burstKey = lastBurst ? `${lastBurst.id}:${lastBurst.endedAt ?? 'running'}` : ''
  const bursts = useBursts(burstKey)
  const overlaysJson = JSON.stringify(useMemo(() => buildOverlays(store, bursts.runs), [store, version, bursts.runs]))
  // Same spans and marks, same object: the charts redraw only when an overlay really
  // changed. Rebuilt from the JSON, so the memo depends on exactly what it reads.
  const overlays = useMemo(() => JSON.parse(overlaysJson) as Overlays, [overlaysJson])

  const { start, stop } = bursts
  const { patch } = knobs
  // Stable callbacks: the panels are memoised and must not redraw on every tick.
  const onStart = useCallback((what: { preset: string } | { spec: BurstSpec }) => void start(what), [start])
  const onStop = useCallback((id: string) => void stop(id), [stop])
  const onKnob = useCallback((change: Partial<LiveConfig>) => void patch(change), [patch])

  // The badge says only "serving / draining" itself; the server's own reason covers the rest.
  const notReady = figures?.lifecycle === 'serving' ? figures.notReady : null

  return (
    <div className="app" data-theme={theme}>
      <header className="topbar">
        <h1 className="brand">Sluice</h1>
        <ConnectionBadge status={status} lifecycle={figures?.lifecycle} notReady={notReady} />
        <nav className="tabs" aria-label="Views">
          <button type="button" aria-pressed={tab === 'live'} className={tab === 'live' ? 'active' : ''} onClick={() => setTab('live')}>
            Live
          </button>
          <button type="button" aria-pressed={tab === 'runs'} className={tab === 'runs' ? 'active' : ''} onClick={() => setTab('runs')}>
            Runs ({bursts.runs.length})
          </button>
        </nav>
        <span className="spacer" />
        {tab === 'live' && <WindowPicker value={windowMs} onChange={setWindowMs} />}
        <MarkForm />
        <button type="button" className="ghost" aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`} onClick={toggle}>
          {theme === 'dark' ? '☀' : '☾'}
        </button>
      </header>
      <Headline figures={figures} config={config} />
      {tab === 'live' ? (
        <main className="live">
          <LiveCharts store={store} version={version} windowMs={windowMs} figures={figures} config={config} palette={palette} overlays={overlays} />
          <aside className="side">
            <BurstPanel presets={bursts.presets} current={lastBurst} error={bursts.error} onStart={onStart} onStop={onStop} />
            <KnobsPanel config={config} error={knobs.error} onChange={onKnob} />
          </aside>
        </main>
      ) : (
        <main className="runs-main">
          <RunsView runs={bursts.runs} palette={palette} />
        </main>
      )}
    </div>
  )
}
