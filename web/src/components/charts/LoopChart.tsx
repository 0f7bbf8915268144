import { useMemo } from 'react'
import { Line, YAxis } from 'recharts'
import { ms, percent } from '../../lib/format.ts'
import { ChartCard } from './ChartCard.tsx'
import { instanceLegend, instanceLines } from './instance-lines.tsx'
import { AXIS_TICK, axisMs, axisPercent, LINE, peak, round, Y_AXIS_WIDTH, type LiveChartProps } from './props.ts'
import { LEFT_AXIS, RIGHT_AXIS, TimePlot } from './TimePlot.tsx'

const UTIL_TICKS = [0, 50, 100]

/** Event-loop delay percentiles (every request waits this long to even start) and loop utilisation. */
export function LoopChart({ frame, tooltip, onZoom, figures, width, palette, overlays }: LiveChartProps) {
  const plot = useMemo(
    () => (
      <TimePlot width={width} domain={frame.domain} ticks={frame.ticks} data={frame.rows} palette={palette} overlays={overlays} tooltip={tooltip} onZoom={onZoom}>
        <YAxis yAxisId={LEFT_AXIS} stroke={palette.axis} tick={AXIS_TICK} interval={0} tickFormatter={axisMs} width={Y_AXIS_WIDTH} />
        <YAxis yAxisId={RIGHT_AXIS} orientation="right" stroke={palette.axis} tick={AXIS_TICK} interval={0} domain={[0, 100]} ticks={UTIL_TICKS} tickFormatter={axisPercent} width={34} />
        <Line {...LINE} yAxisId={RIGHT_AXIS} dataKey="elu" name="utilisation %" stroke={palette.elu} strokeWidth={1} strokeDasharray="2 2" />
        <Line {...LINE} yAxisId={LEFT_AXIS} dataKey="lagP50" name="p50 (ms)" stroke={palette.p50} />
        <Line {...LINE} yAxisId={LEFT_AXIS} dataKey="lagP99" name="p99 (ms)" stroke={palette.p99} />
        <Line {...LINE} yAxisId={LEFT_AXIS} dataKey="lagMax" name="max (ms)" stroke={palette.max} strokeWidth={1} />
        {instanceLines(frame, palette, 'il', LEFT_AXIS, 'p99 (ms)')}
      </TimePlot>
    ),
    [frame, width, palette, overlays, tooltip, onZoom],
  )
  return (
    <ChartCard
      id="event-loop"
      title="Event loop"
      caption={figures ? `1 s: p50 ${ms(figures.lagP50)} · p99 ${ms(figures.lagP99)} · max ${ms(figures.lagMax)} · busy ${percent(figures.utilization)}` : '–'}
      legend={[
        { name: 'p50', color: palette.p50 },
        { name: 'p99', color: palette.p99 },
        { name: 'max', color: palette.max },
        { name: 'utilisation (right)', color: palette.elu, dashed: true },
        ...instanceLegend(frame, palette).map((item) => ({ ...item, name: `${item.name} p99` })),
      ]}
      domain={frame.domain}
      overlays={overlays}
      points={frame.rows.length}
      facts={{ 'lag-p99': round(figures?.lagP99, 2), 'lag-max': round(figures?.lagMax, 2), 'max-lag': round(peak(frame.rows, 'lagMax'), 1), utilization: round((figures?.utilization ?? 0) * 100, 1) }}
    >
      {plot}
    </ChartCard>
  )
}
