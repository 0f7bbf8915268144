import { useMemo } from 'react'
import { Line, YAxis } from 'recharts'
import { rate } from '../../lib/format.ts'
import { ChartCard } from './ChartCard.tsx'
import { AXIS_TICK, axisCount, LINE, peak, round, Y_AXIS_WIDTH, type LiveChartProps } from './props.ts'
import { LEFT_AXIS, TimePlot } from './TimePlot.tsx'

/** Events taken in and events written to PostgreSQL: the gap between them is the queue growing. */
export function ThroughputChart({ frame, tooltip, onZoom, figures, width, palette, overlays }: LiveChartProps) {
  const plot = useMemo(
    () => (
      <TimePlot width={width} domain={frame.domain} ticks={frame.ticks} data={frame.rows} palette={palette} overlays={overlays} tooltip={tooltip} onZoom={onZoom}>
        <YAxis yAxisId={LEFT_AXIS} stroke={palette.axis} tick={AXIS_TICK} interval={0} tickFormatter={axisCount} width={Y_AXIS_WIDTH} />
        <Line {...LINE} yAxisId={LEFT_AXIS} dataKey="accepted" name="accepted/s" stroke={palette.accepted} />
        <Line {...LINE} yAxisId={LEFT_AXIS} dataKey="committed" name="committed/s" stroke={palette.committed} />
      </TimePlot>
    ),
    [frame, width, palette, overlays, tooltip, onZoom],
  )
  return (
    <ChartCard
      id="throughput"
      title="Throughput"
      caption={figures ? `${rate(figures.eventsPerSec)} accepted · ${rate(figures.committedPerSec)} committed (events)` : '–'}
      legend={[
        { name: 'accepted events/s', color: palette.accepted },
        { name: 'committed events/s', color: palette.committed },
      ]}
      domain={frame.domain}
      overlays={overlays}
      points={frame.rows.length}
      facts={{ accepted: round(figures?.eventsPerSec), committed: round(figures?.committedPerSec), 'max-accepted': round(peak(frame.rows, 'accepted')), 'max-committed': round(peak(frame.rows, 'committed')) }}
    >
      {plot}
    </ChartCard>
  )
}
