import { useMemo } from 'react'
import { Line, YAxis } from 'recharts'
import { FLUSH_TRIGGERS } from '../../../../shared/ingest.ts'
import { count, duration, ms } from '../../lib/format.ts'
import { ChartCard } from './ChartCard.tsx'
import { FlushDots } from './FlushDots.tsx'
import { AXIS_TICK, axisCount, axisMs, LINE, peak, round, Y_AXIS_WIDTH, type LiveChartProps } from './props.ts'
import { LEFT_AXIS, RIGHT_AXIS, TimePlot } from './TimePlot.tsx'

/** How long ago, once it is long enough ago to matter. */
const ago = (ms: number) => (ms < 10_000 ? '' : ` · ${duration(ms)} ago`)

/** Each batch write: its size coloured by what triggered it, and how long the write took. */
export function FlushChart({ frame, tooltip, onZoom, figures, width, palette, overlays }: LiveChartProps) {
  const { points, maxEvents } = useMemo(() => {
    let n = 0
    let max = 0
    for (const trigger of FLUSH_TRIGGERS) {
      n += frame.flushes[trigger].length
      for (const p of frame.flushes[trigger]) max = Math.max(max, p.events)
    }
    return { points: n, maxEvents: max }
  }, [frame])
  const plot = useMemo(
    () => (
      <TimePlot width={width} domain={frame.domain} ticks={frame.ticks} data={frame.rows} palette={palette} overlays={overlays} tooltip={tooltip} onZoom={onZoom}>
        <YAxis yAxisId={LEFT_AXIS} stroke={palette.axis} tick={AXIS_TICK} interval={0} tickFormatter={axisCount} width={Y_AXIS_WIDTH} allowDecimals={false} domain={[0, 'auto']} />
        <YAxis yAxisId={RIGHT_AXIS} orientation="right" stroke={palette.axis} tick={AXIS_TICK} interval={0} tickFormatter={axisMs} width={Y_AXIS_WIDTH} />
        <Line {...LINE} yAxisId={RIGHT_AXIS} dataKey="flushMs" name="write time (ms)" stroke={palette.duration} strokeWidth={1} />
        {/* Invisible: gives the size axis its range and the tooltip the bucket's largest flush; the dots draw it. */}
        <Line {...LINE} yAxisId={LEFT_AXIS} dataKey="flushEvents" name="largest flush (events)" stroke="none" />
        <FlushDots flushes={frame.flushes} palette={palette} yAxisId={LEFT_AXIS} />
      </TimePlot>
    ),
    [frame, width, palette, overlays, tooltip, onZoom],
  )
  const last = figures?.lastFlush ?? null
  return (
    <ChartCard
      id="flushes"
      title="Batch flushes"
      caption={last ? `last: ${count(last.events)} events in ${ms(last.durationMs)} (${last.trigger})${ago(figures!.time - last.at)}` : 'no flush since the page opened'}
      legend={[...FLUSH_TRIGGERS.map((t) => ({ name: `${t} flush`, color: palette.triggers[t] })), { name: 'write time (right)', color: palette.duration }]}
      domain={frame.domain}
      overlays={overlays}
      points={frame.rows.length}
      facts={{
        'last-flush-events': last?.events ?? null,
        'last-flush-trigger': last?.trigger ?? null,
        'last-flush-ms': round(last?.durationMs, 1),
        'flush-points': points,
        'max-flush-events': maxEvents,
        'max-flush-ms': round(peak(frame.rows, 'flushMs'), 1),
      }}
    >
      {plot}
    </ChartCard>
  )
}
