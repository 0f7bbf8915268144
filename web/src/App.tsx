import { useCallback, useMemo } from 'react'
import type { BurstSpec } from '../../shared/bursts.ts'
import type { LiveConfig } from '../../shared/config.ts'
import { BurstPanel } from './components/burst/BurstPanel.tsx'
import type { Overlays } from './components/charts/overlays.tsx'
import { ConnectionBadge } from './components/ConnectionBadge.tsx'
import { Headline } from './components/Headline.tsx'
import { InstancesPanel } from './components/InstancesPanel.tsx'
import { KnobsPanel } from './components/KnobsPanel.tsx'
import { LessonsView } from './components/lessons/LessonsView.tsx'
import { LiveCharts } from './components/LiveCharts.tsx'
import { MarkForm } from './components/MarkForm.tsx'
import { RunsView } from './components/runs/RunsView.tsx'
import { ViewControls } from './components/ViewControls.tsx'
import { useBackfill } from './hooks/useBackfill.ts'
import { useBursts } from './hooks/useBursts.ts'
import { useConfig } from './hooks/useConfig.ts'
import { useStream } from './hooks/useStream.ts'
import { useTheme } from './hooks/useTheme.ts'
import { useUrlState } from './hooks/useUrlState.ts'
import { currentFigures } from './lib/figures.ts'
import { instanceRows } from './lib/instances.ts'
import { buildOverlays } from './lib/overlays.ts'
import { MIN_RANGE_MS } from './lib/url-state.ts'

export function App() {
  const { theme, palette, toggle } = useTheme()
  const { store, version, status } = useStream()
  const [view, setView] = useUrlState()
  const config = store.config
  const knobs = useConfig()

  // The store is mutable; `version` is what says it changed.
  const figures = useMemo(() => currentFigures(store.snapshots, store.lastFlush), [store, version])
  const lastBurst = useMemo(() => store.latest(), [store, version])
  const instances = useMemo(() => instanceRows(store.snapshots.last()), [store, version])
  // Refetch the run list when a burst starts or ends, not on every tick of it.
  // And after every reconnection: a burst may have ended while the stream was away.
  const burstKey = `${lastBurst ? `${lastBurst.id}:${lastBurst.endedAt ?? 'running'}` : ''}:${store.hellos}`
  const bursts = useBursts(burstKey)
  useBackfill(store, bursts.runs, figures?.time ?? null)
  const overlaysJson = JSON.stringify(useMemo(() => buildOverlays(store, bursts.runs), [store, version, bursts.runs]))
  // Same spans and marks, same object: the charts redraw only when an overlay really
  // changed. Rebuilt from the JSON, so the memo depends on exactly what it reads.
  const overlays = useMemo(() => JSON.parse(overlaysJson) as Overlays, [overlaysJson])

  const { start, stop, setLevel } = bursts
  const { patch } = knobs
  // Stable callbacks: the panels and charts are memoised and must not redraw on every tick.
  const onStart = useCallback((what: { preset: string } | { spec: BurstSpec }) => start(what), [start])
  const onStop = useCallback((id: string) => stop(id), [stop])
  // Comparisons (presets with variants) start from the Lessons tab: thirteen presets would push the knobs out of view.
  const singleRuns = useMemo(() => bursts.presets.filter((preset) => !preset.variants), [bursts.presets])
  const onRunPreset = useCallback((preset: string) => start({ preset }), [start])
  const onKnob = useCallback((change: Partial<LiveConfig>) => void patch(change), [patch])
  const onZoom = useCallback((from: number, to: number) => {
    const middle = (from + to) / 2
    setView({ range: to - from >= MIN_RANGE_MS ? { from, to } : { from: middle - MIN_RANGE_MS / 2, to: middle + MIN_RANGE_MS / 2 } })
  }, [setView])
  const lastTime = figures?.time ?? Date.now()
  const onPause = useCallback(() => setView({ range: { from: lastTime - view.windowMs, to: lastTime } }), [setView, lastTime, view.windowMs])

  // The badge says only "serving / draining" itself; the server's own reason covers the rest.
  const notReady = figures?.lifecycle === 'serving' ? figures.notReady : null
  const tab = view.tab

  return (
    <div className="app" data-theme={theme}>
      <header className="topbar">
        <h1 className="brand">Sluice</h1>
        <ConnectionBadge status={status} lifecycle={figures?.lifecycle} notReady={notReady} />
        <nav className="tabs" aria-label="Views">
          <button type="button" aria-pressed={tab === 'live'} className={tab === 'live' ? 'active' : ''} onClick={() => setView({ tab: 'live' })}>
            Live
          </button>
          <button type="button" aria-pressed={tab === 'runs'} className={tab === 'runs' ? 'active' : ''} onClick={() => setView({ tab: 'runs' })}>
            Runs ({bursts.runs.length})
          </button>
          <button type="button" aria-pressed={tab === 'lessons'} className={tab === 'lessons' ? 'active' : ''} onClick={() => setView({ tab: 'lessons' })}>
            Lessons
          </button>
        </nav>
        <span className="spacer" />
        {tab === 'live' && <ViewControls windowMs={view.windowMs} range={view.range} onWindow={(windowMs) => setView({ windowMs, range: null })} onPause={onPause} onLive={() => setView({ range: null })} />}
        <MarkForm />
        <button type="button" className="ghost" aria-label={`Switch to ${theme === 'dark' ? 'light' : 'dark'} theme`} onClick={toggle}>
          {theme === 'dark' ? '☀' : '☾'}
        </button>
      </header>
      <Headline figures={figures} config={config} />
      {tab === 'live' ? (
        <main className="live">
          <LiveCharts store={store} version={version} windowMs={view.windowMs} range={view.range} figures={figures} config={config} palette={palette} overlays={overlays} onZoom={onZoom} />
          <aside className="side">
            <InstancesPanel rows={instances} />
            <BurstPanel presets={singleRuns} current={lastBurst} listError={bursts.listError} onStart={onStart} onStop={onStop} caps={bursts.caps} onSetLevel={setLevel} />
            <KnobsPanel config={config} error={knobs.error} onChange={onKnob} />
          </aside>
        </main>
      ) : tab === 'runs' ? (
        <main className="runs-main">
          <RunsView runs={bursts.runs} palette={palette} openId={view.run} compareIds={view.compare} onSelect={setView} />
        </main>
      ) : (
        <main className="lessons-main">
          <LessonsView presets={bursts.presets} runs={bursts.runs} busy={lastBurst?.endedAt === null} error={bursts.listError} onRun={onRunPreset} pid={config?.fixed.pid ?? null} durability={config?.fixed.durability ?? null} />
        </main>
      )}
    </div>
  )
}
