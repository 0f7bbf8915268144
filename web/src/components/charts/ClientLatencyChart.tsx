import { useMemo } from 'react'
import { Line, YAxis } from 'recharts'
import { ms } from '../../lib/format.ts'
import { ChartCard } from './ChartCard.tsx'
import { AXIS_TICK, axisMs, LINE, peak, round, Y_AXIS_WIDTH, type LiveChartProps } from './props.ts'
import { LEFT_AXIS, TimePlot } from './TimePlot.tsx'

/** What the burst's clients saw: latency from the intended send time, so queueing is not hidden. */
export function ClientLatencyChart({ frame, tooltip, onZoom, width, palette, overlays }: LiveChartProps) {
  const rows = frame.burstRows
  const plot = useMemo(
    () => (
      <TimePlot width={width} domain={frame.domain} ticks={frame.ticks} data={frame.burstRows} palette={palette} overlays={overlays} tooltip={tooltip} onZoom={onZoom}>
        <YAxis yAxisId={LEFT_AXIS} stroke={palette.axis} tick={AXIS_TICK} interval={0} tickFormatter={axisMs} width={Y_AXIS_WIDTH} />
        <Line {...LINE} yAxisId={LEFT_AXIS} dataKey="p50" name="p50 (ms)" stroke={palette.p50} />
        <Line {...LINE} yAxisId={LEFT_AXIS} dataKey="p90" name="p90 (ms)" stroke={palette.p90} />
        <Line {...LINE} yAxisId={LEFT_AXIS} dataKey="p95" name="p95 (ms)" stroke={palette.p95} />
        <Line {...LINE} yAxisId={LEFT_AXIS} dataKey="p99" name="p99 (ms)" stroke={palette.p99} />
      </TimePlot>
    ),
    [frame, width, palette, overlays, tooltip, onZoom],
  )
  const last = rows.at(-1)
  return (
    <ChartCard
      id="client-latency"
      title="Client latency (burst)"
      caption={last?.p99 != null ? `p50 ${ms(last.p50)} · p90 ${ms(last.p90)} · p95 ${ms(last.p95)} · p99 ${ms(last.p99)}` : 'latency percentiles as the burst clients see them'}
      legend={[
        { name: 'p50', color: palette.p50 },
        { name: 'p90', color: palette.p90 },
        { name: 'p95', color: palette.p95 },
        { name: 'p99', color: palette.p99 },
      ]}
      domain={frame.domain}
      overlays={overlays}
      points={rows.length}
      facts={{ p95: round(last?.p95, 1), p99: round(last?.p99, 1), 'max-p95': round(peak(rows, 'p95'), 1), 'max-p99': round(peak(rows, 'p99'), 1) }}
      empty={rows.length ? undefined : 'No burst in this window'}
    >
      {plot}
    </ChartCard>
  )
}
