import { useMemo } from 'react'
import { Line, ReferenceLine, YAxis } from 'recharts'
import { bytes, count } from '../../lib/format.ts'
import { ChartCard } from './ChartCard.tsx'
import { AXIS_TICK, axisCount, LINE, peak, Y_AXIS_WIDTH, type LiveChartProps } from './props.ts'
import { LEFT_AXIS, TimePlot } from './TimePlot.tsx'

/**
 * Requests being read or processed at once, against the admission cap, beside the open
 * connections: load the server has not even read yet shows there first.
 */
export function InflightChart({ frame, tooltip, onZoom, figures, config, width, palette, overlays }: LiveChartProps) {
  const cap = config?.live.maxInflight ?? null
  const highest = useMemo(() => Math.max(peak(frame.rows, 'inflight') ?? 0, peak(frame.rows, 'connections') ?? 0), [frame])
  // The cap is drawn once it matters; at 3 of 1 024 it would flatten the line to nothing.
  const showCap = cap !== null && highest >= cap / 2
  const plot = useMemo(
    () => (
      <TimePlot width={width} domain={frame.domain} ticks={frame.ticks} data={frame.rows} palette={palette} overlays={overlays} tooltip={tooltip} onZoom={onZoom}>
        <YAxis yAxisId={LEFT_AXIS} stroke={palette.axis} tick={AXIS_TICK} interval={0} tickFormatter={axisCount} width={Y_AXIS_WIDTH} allowDecimals={false} domain={[0, showCap ? Math.max(cap, highest) : 'auto']} />
        {/* Named in the legend, not on the plot, where a burst's name would sit on top of it. */}
        {showCap && <ReferenceLine yAxisId={LEFT_AXIS} y={cap} stroke={palette.capacity} strokeDasharray="3 3" />}
        <Line {...LINE} yAxisId={LEFT_AXIS} dataKey="connections" name="open connections" stroke={palette.elu} strokeWidth={1} strokeDasharray="2 2" />
        <Line {...LINE} yAxisId={LEFT_AXIS} dataKey="inflight" name="requests in flight" stroke={palette.inflight} />
      </TimePlot>
    ),
    [frame, width, palette, overlays, tooltip, onZoom, showCap, cap, highest],
  )
  return (
    <ChartCard
      id="inflight"
      title="Inflight requests and connections"
      caption={figures ? `${count(figures.inflight)} in flight (${bytes(figures.inflightBytes)} reserved) · cap ${count(cap)} · ${count(figures.connections)} connections open` : '–'}
      legend={[{ name: 'requests in flight', color: palette.inflight }, { name: 'open connections', color: palette.elu, dashed: true }, ...(showCap ? [{ name: 'cap', color: palette.capacity, dashed: true }] : [])]}
      domain={frame.domain}
      overlays={overlays}
      points={frame.rows.length}
      facts={{ inflight: figures?.inflight ?? null, connections: figures?.connections ?? null, 'max-inflight': highest, cap }}
    >
      {plot}
    </ChartCard>
  )
}
