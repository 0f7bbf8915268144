import { useMemo } from 'react'
import { Area, Line, ReferenceLine, YAxis } from 'recharts'
import { bytes, count, ms, percent } from '../../lib/format.ts'
import { ChartCard } from './ChartCard.tsx'
import { instanceLegend, instanceLines } from './instance-lines.tsx'
import { AREA, AXIS_TICK, axisMs, axisPercent, LINE, peak, round, Y_AXIS_WIDTH, type LiveChartProps } from './props.ts'
import { LEFT_AXIS, RIGHT_AXIS, TimePlot } from './TimePlot.tsx'

const PERCENT_TICKS = [0, 25, 50, 75, 100]
/**
 * The age axis never shows less than this: on an idle server one event waits up to a
 * flush interval, and an auto-scaled axis drew that as a spike across "not ready".
 */
const MIN_AGE_AXIS_MS = 1_000

/** Queue depth as a share of its capacity (events and bytes), and how long the oldest event has waited. */
export function QueueChart({ frame, tooltip, onZoom, figures, config, width, palette, overlays }: LiveChartProps) {
  const watermark = (config?.fixed.queueHighWatermark ?? 0.8) * 100
  const ageFloor = Math.max(MIN_AGE_AXIS_MS, 4 * (config?.live.flushIntervalMs ?? 0))
  const plot = useMemo(
    () => (
      <TimePlot width={width} domain={frame.domain} ticks={frame.ticks} data={frame.rows} palette={palette} overlays={overlays} tooltip={tooltip} onZoom={onZoom}>
        <YAxis yAxisId={LEFT_AXIS} stroke={palette.axis} tick={AXIS_TICK} interval={0} domain={[0, 100]} ticks={PERCENT_TICKS} tickFormatter={axisPercent} width={Y_AXIS_WIDTH} />
        <YAxis yAxisId={RIGHT_AXIS} orientation="right" stroke={palette.axis} tick={AXIS_TICK} interval={0} tickFormatter={axisMs} width={Y_AXIS_WIDTH} domain={[0, (dataMax: number) => Math.max(dataMax, ageFloor)]} />
        {/* Named in the legend, not on the plot, where a burst's name would sit on top of it. */}
        <ReferenceLine yAxisId={LEFT_AXIS} y={watermark} stroke={palette.capacity} strokeDasharray="3 3" />
        <Area {...AREA} yAxisId={LEFT_AXIS} dataKey="queueFill" name="events % of capacity" stroke={palette.queue} fill={palette.queue} fillOpacity={0.25} />
        <Line {...LINE} yAxisId={LEFT_AXIS} dataKey="queueBytesFill" name="bytes % of capacity" stroke={palette.queueBytes} strokeDasharray="5 3" />
        <Line {...LINE} yAxisId={RIGHT_AXIS} dataKey="queueAgeMs" name="oldest event age (ms)" stroke={palette.age} />
        {instanceLines(frame, palette, 'iq', LEFT_AXIS, 'events %')}
      </TimePlot>
    ),
    [frame, width, palette, overlays, tooltip, onZoom, watermark, ageFloor],
  )
  return (
    <ChartCard
      id="queue"
      title="Queue depth"
      caption={figures ? `${count(figures.queueEvents)} / ${count(figures.capacityEvents)} events · ${bytes(figures.queueBytes)} / ${bytes(figures.capacityBytes)} · oldest ${ms(figures.oldestAgeMs)}` : '–'}
      legend={[
        { name: 'events, % of capacity', color: palette.queue },
        { name: 'bytes, % of capacity', color: palette.queueBytes, dashed: true },
        { name: 'oldest event age (right)', color: palette.age },
        { name: `not ready (${Math.round(watermark)}%)`, color: palette.capacity, dashed: true },
        ...instanceLegend(frame, palette),
      ]}
      domain={frame.domain}
      overlays={overlays}
      points={frame.rows.length}
      facts={{
        fill: round((figures?.queueFill ?? 0) * 100, 1),
        'fill-text': figures ? percent(figures.queueFill) : null,
        events: figures?.queueEvents ?? null,
        capacity: figures?.capacityEvents ?? null,
        'max-fill': round(peak(frame.rows, 'queueFill'), 1),
        'max-events': peak(frame.rows, 'queueEvents'),
        'max-age-ms': round(peak(frame.rows, 'queueAgeMs')),
        'instance-lines': frame.instanceIds.length,
      }}
    >
      {plot}
    </ChartCard>
  )
}
