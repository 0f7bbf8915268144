import { memo, useMemo, useRef, useState, type ComponentType } from 'react'
import type { EffectiveConfig } from '../../../shared/config.ts'
import { useStaggered } from '../hooks/useStaggered.ts'
import { useWidth } from '../hooks/useWidth.ts'
import type { Figures } from '../lib/figures.ts'
import { bucketFor, buildFrame, liveRange } from '../lib/series.ts'
import type { StreamStore } from '../lib/stream-store.ts'
import type { TimeRange } from '../lib/url-state.ts'
import type { Palette } from '../theme.ts'
import { AdmissionChart } from './charts/AdmissionChart.tsx'
import { CpuChart } from './charts/CpuChart.tsx'
import { ClientLatencyChart } from './charts/ClientLatencyChart.tsx'
import { ClientRateChart } from './charts/ClientRateChart.tsx'
import { FlushChart } from './charts/FlushChart.tsx'
import { InflightChart } from './charts/InflightChart.tsx'
import { LoopChart } from './charts/LoopChart.tsx'
import { MemoryChart } from './charts/MemoryChart.tsx'
import type { Overlays } from './charts/overlays.tsx'
import { Y_AXIS_WIDTH, type LiveChartProps } from './charts/props.ts'
import { QueueChart } from './charts/QueueChart.tsx'
import { RejectionsChart } from './charts/RejectionsChart.tsx'
import { SpoolChart } from './charts/SpoolChart.tsx'
import { ThroughputChart } from './charts/ThroughputChart.tsx'

/** CSS pixels per point: finer than this a line shows nothing new and costs more to draw. */
const PIXELS_PER_POINT = 3
const GAP = 12
const FIGURE_PADDING = 10

const CHARTS: ReadonlyArray<ComponentType<LiveChartProps>> = [ThroughputChart, RejectionsChart, QueueChart, FlushChart, InflightChart, LoopChart, AdmissionChart, CpuChart, MemoryChart, ClientLatencyChart, ClientRateChart]
// Only with SLUICE_DURABILITY=spool: in memory mode there is nothing to show, so no panel at all.
const WITH_SPOOL: ReadonlyArray<ComponentType<LiveChartProps>> = [...CHARTS, SpoolChart]

/** One chart, handed each new frame in its own turn (see useStaggered). */
const StaggeredChart = memo(function StaggeredChart({ chart: Chart, index, ...props }: LiveChartProps & { chart: ComponentType<LiveChartProps>; index: number }) {
  const frame = useStaggered(props.frame, index)
  return <Chart {...props} frame={frame} />
})

interface LiveChartsProps {
  store: StreamStore
  version: number
  windowMs: number
  /** A fixed range (paused or zoomed); null follows the stream. */
  range: TimeRange | null
  figures: Figures | null
  config: EffectiveConfig | null
  palette: Palette
  overlays: Overlays
  onZoom: (from: number, to: number) => void
}

/**
 * Every live chart on one time axis, drawn from one Frame folded to the charts' pixel
 * width. Following the stream, the frame is rebuilt when a new bucket begins, so a chart
 * redraws once per pixel column rather than once per tick; on a fixed range, only when
 * what falls inside it changes. Captions and figures follow every tick.
 */
export function LiveCharts({ store, version, windowMs, range, figures, config, palette, overlays, onZoom }: LiveChartsProps) {
  const grid = useRef<HTMLElement>(null)
  const [inspecting, setInspecting] = useState(false)
  const gridWidth = useWidth(grid, 900)
  const columns = gridWidth >= 880 ? 3 : gridWidth >= 560 ? 2 : 1
  const width = Math.floor((gridWidth - GAP * (columns - 1)) / columns) - 2 * FIGURE_PADDING
  const plotWidth = Math.max(1, width - 2 * Y_AXIS_WIDTH)
  const tickMs = config?.fixed.tickMs ?? 250
  const span = range ? range.to - range.from : windowMs
  const bucketMs = bucketFor(span, Math.floor(width / PIXELS_PER_POINT), tickMs)
  const slot = Math.floor((store.snapshots.last()?.time ?? 0) / bucketMs)
  // What makes the frame worth rebuilding: a new bucket when live; new data inside a fixed range.
  const change = range
    ? `${store.snapshots.lowerBound((s) => s.time, range.to + 1) - store.snapshots.lowerBound((s) => s.time, range.from)}:${store.burstTicks.lowerBound((t) => t.at, range.to + 1) - store.burstTicks.lowerBound((t) => t.at, range.from)}`
    : slot
  const frame = useMemo(
    () => buildFrame(store.snapshots, store.burstTicks, range ?? liveRange(windowMs, bucketMs, slot), bucketMs, tickMs, plotWidth),
    // The store is mutable: `change` and `overlays` (a burst started or ended) say when to look again.
    [store, change, range, windowMs, bucketMs, tickMs, plotWidth, overlays], // eslint-disable-line react-hooks/exhaustive-deps -- `slot` is in `change` when it matters

  )
  const quiet = useMemo(() => ({ ...overlays, labels: false }), [overlays])
  return (
    <section
      ref={grid}
      className="charts"
      style={{ gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))` }}
      aria-label="Live charts"
      data-window-ms={windowMs}
      data-from={frame.from}
      data-to={frame.to}
      data-following={range === null}
      data-ticks={frame.snapshots}
      data-bucket-ms={frame.bucketMs}
      data-last-seq={store.lastSeq ?? ''}
      data-missed-ticks={store.missedTicks}
      data-version={version}
      onPointerEnter={() => setInspecting(true)}
      onPointerLeave={() => setInspecting(false)}
    >
      {(figures?.spool ? WITH_SPOOL : CHARTS).map((chart, i) => (
        <StaggeredChart key={i} chart={chart} index={i} frame={frame} figures={figures} config={config} width={width} palette={palette} overlays={i < columns ? overlays : quiet} tooltip={inspecting} onZoom={onZoom} />
      ))}
    </section>
  )
}
