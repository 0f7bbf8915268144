import type { ReactNode } from 'react'
import { CartesianGrid, ComposedChart, Tooltip, XAxis } from 'recharts'
import { clock } from '../../lib/format.ts'
import type { Palette } from '../../theme.ts'
import { MarkLayer, SpanLayer, type Overlays } from './overlays.tsx'
import { AXIS_TICK, PLOT_MARGIN } from './props.ts'
import { ZoomLayer } from './ZoomLayer.tsx'

export const CHART_HEIGHT = 150
export const LEFT_AXIS = 'left'
export const RIGHT_AXIS = 'right'

interface TimePlotProps {
  width: number
  domain: readonly [number, number]
  ticks: readonly number[]
  data: readonly object[]
  palette: Palette
  overlays: Overlays
  /** Tooltips cost a tenth of each redraw: they are mounted only while the pointer is over the charts. */
  tooltip: boolean
  onZoom: (from: number, to: number) => void
  children: ReactNode
}

const formatLabel = (t: unknown) => clock(Number(t))
const formatValue = (v: unknown) => (typeof v === 'number' ? (Math.abs(v) >= 100 ? Math.round(v).toLocaleString('en') : Number(v.toFixed(2))) : String(v))

/**
 * The plot every live chart shares: one time axis (the window), grid, synced tooltip,
 * burst spans under the series, and the zoom drag and the marks over them. No
 * animation: each redraw is a new frame.
 */
export function TimePlot({ width, domain, ticks, data, palette, overlays, tooltip, onZoom, children }: TimePlotProps) {
  return (
    <ComposedChart width={width} height={CHART_HEIGHT} data={data as object[]} syncId="live" syncMethod="value" margin={PLOT_MARGIN}>
      <CartesianGrid stroke={palette.grid} strokeDasharray="2 4" vertical={false} />
      <XAxis dataKey="t" type="number" scale="time" domain={[domain[0], domain[1]]} allowDataOverflow ticks={ticks as number[]} interval={0} tickFormatter={clock} stroke={palette.axis} tick={AXIS_TICK} height={18} />
      <SpanLayer overlays={overlays} domain={domain} palette={palette} />
      {children}
      <ZoomLayer domain={domain} palette={palette} onZoom={onZoom} />
      <MarkLayer overlays={overlays} domain={domain} palette={palette} />
      {tooltip && <Tooltip isAnimationActive={false} labelFormatter={formatLabel} formatter={formatValue} contentStyle={{ fontSize: 12, background: palette.tooltip, borderColor: palette.grid }} />}
    </ComposedChart>
  )
}
