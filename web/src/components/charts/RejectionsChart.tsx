import { useMemo } from 'react'
import { Area, YAxis } from 'recharts'
import { rate } from '../../lib/format.ts'
import { ChartCard } from './ChartCard.tsx'
import { AREA, AXIS_TICK, axisCount, peak, round, Y_AXIS_WIDTH, type LiveChartProps } from './props.ts'
import { LEFT_AXIS, TimePlot } from './TimePlot.tsx'

/** Refused requests per second, stacked by the reason the server gave. */
export function RejectionsChart({ frame, tooltip, onZoom, figures, width, palette, overlays }: LiveChartProps) {
  const reasons = frame.rejectReasons
  const plot = useMemo(
    () => (
      <TimePlot width={width} domain={frame.domain} ticks={frame.ticks} data={frame.rows} palette={palette} overlays={overlays} tooltip={tooltip} onZoom={onZoom}>
        <YAxis yAxisId={LEFT_AXIS} stroke={palette.axis} tick={AXIS_TICK} interval={0} tickFormatter={axisCount} width={Y_AXIS_WIDTH} allowDecimals={false} />
        {frame.rejectReasons.map((reason) => (
          <Area {...AREA} key={reason} yAxisId={LEFT_AXIS} dataKey={`rej_${reason}`} name={reason} stackId="rejected" stroke={palette.reasons[reason]} fill={palette.reasons[reason]} fillOpacity={0.55} />
        ))}
      </TimePlot>
    ),
    [frame, width, palette, overlays, tooltip, onZoom],
  )
  const peakTotal = useMemo(() => {
    let highest = 0
    for (const row of frame.rows) {
      let total = 0
      for (const reason of frame.rejectReasons) total += row[`rej_${reason}`] ?? 0
      highest = Math.max(highest, total)
    }
    return highest
  }, [frame])
  const top = figures ? Object.entries(figures.rejectedByReason).sort((a, b) => b[1] - a[1])[0] : undefined
  return (
    <ChartCard
      id="rejections"
      title="Rejections"
      caption={figures ? `${rate(figures.rejectedPerSec)} requests refused${top ? ` · mostly ${top[0]}` : ''}` : '–'}
      legend={reasons.map((reason) => ({ name: reason, color: palette.reasons[reason] }))}
      domain={frame.domain}
      overlays={overlays}
      points={frame.rows.length}
      facts={{
        rejected: round(figures?.rejectedPerSec, 1),
        'max-rejected': round(peakTotal, 1),
        reasons: reasons.join(','),
        'max-queue-full': round(reasons.includes('queue_full') ? peak(frame.rows, 'rej_queue_full') : 0, 1),
      }}
      empty={reasons.length ? undefined : 'No rejections in this window'}
    >
      {plot}
    </ChartCard>
  )
}
