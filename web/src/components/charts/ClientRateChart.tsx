import { useMemo } from 'react'
import { Line, YAxis } from 'recharts'
import { rate } from '../../lib/format.ts'
import { ChartCard } from './ChartCard.tsx'
import { AXIS_TICK, axisCount, LINE, peak, round, Y_AXIS_WIDTH, type LiveChartProps } from './props.ts'
import { LEFT_AXIS, TimePlot } from './TimePlot.tsx'

/** Offered against achieved request rate: where they part, the server (or the generator) ran out. */
export function ClientRateChart({ frame, tooltip, onZoom, width, palette, overlays }: LiveChartProps) {
  const rows = frame.burstRows
  const plot = useMemo(
    () => (
      <TimePlot width={width} domain={frame.domain} ticks={frame.ticks} data={frame.burstRows} palette={palette} overlays={overlays} tooltip={tooltip} onZoom={onZoom}>
        <YAxis yAxisId={LEFT_AXIS} stroke={palette.axis} tick={AXIS_TICK} interval={0} tickFormatter={axisCount} width={Y_AXIS_WIDTH} />
        <Line {...LINE} yAxisId={LEFT_AXIS} dataKey="offered" name="offered/s" stroke={palette.offered} strokeDasharray="4 3" />
        <Line {...LINE} yAxisId={LEFT_AXIS} dataKey="achieved" name="answered/s" stroke={palette.achieved} />
        <Line {...LINE} yAxisId={LEFT_AXIS} dataKey="ok" name="2xx/s" stroke={palette.ok} />
      </TimePlot>
    ),
    [frame, width, palette, overlays, tooltip, onZoom],
  )
  const last = rows.at(-1)
  return (
    <ChartCard
      id="client-rate"
      title="Offered vs achieved (burst)"
      caption={last?.offered != null ? `offered ${rate(last.offered)} · answered ${rate(last.achieved)} · 2xx ${rate(last.ok)}` : 'requests/s asked for against answered'}
      legend={[
        { name: 'offered', color: palette.offered, dashed: true },
        { name: 'answered', color: palette.achieved },
        { name: '2xx', color: palette.ok },
      ]}
      domain={frame.domain}
      overlays={overlays}
      points={rows.length}
      facts={{ offered: round(last?.offered), achieved: round(last?.achieved), 'max-achieved': round(peak(rows, 'achieved')) }}
      empty={rows.length ? undefined : 'No burst in this window'}
    >
      {plot}
    </ChartCard>
  )
}
