import { useMemo } from 'react'
import { Line, YAxis } from 'recharts'
import { ms, percent } from '../../lib/format.ts'
import { ChartCard } from './ChartCard.tsx'
import { AXIS_TICK, axisMs, axisPercent, LINE, peak, round, Y_AXIS_WIDTH, type LiveChartProps } from './props.ts'
import { LEFT_AXIS, RIGHT_AXIS, TimePlot } from './TimePlot.tsx'

const SHED_TICKS = [0, 50, 100]

/**
 * The admission controller at work: the event-loop delay it steers by, the target it
 * steers to, and the share of new requests it refuses on CPU. Shedding starts when the
 * delay line crosses the target and stops when it falls back.
 */
export function AdmissionChart({ frame, tooltip, onZoom, figures, width, palette, overlays }: LiveChartProps) {
  const plot = useMemo(
    () => (
      <TimePlot width={width} domain={frame.domain} ticks={frame.ticks} data={frame.rows} palette={palette} overlays={overlays} tooltip={tooltip} onZoom={onZoom}>
        <YAxis yAxisId={LEFT_AXIS} stroke={palette.axis} tick={AXIS_TICK} interval={0} tickFormatter={axisMs} width={Y_AXIS_WIDTH} />
        <YAxis yAxisId={RIGHT_AXIS} orientation="right" stroke={palette.axis} tick={AXIS_TICK} interval={0} domain={[0, 100]} ticks={SHED_TICKS} tickFormatter={axisPercent} width={34} />
        <Line {...LINE} yAxisId={RIGHT_AXIS} dataKey="shedPct" name="refused on CPU %" stroke={palette.p99} strokeWidth={1} />
        <Line {...LINE} yAxisId={LEFT_AXIS} dataKey="admTarget" name="target (ms)" stroke={palette.capacity} strokeDasharray="3 3" />
        <Line {...LINE} yAxisId={LEFT_AXIS} dataKey="admDelay" name="delay (ms)" stroke={palette.p50} />
      </TimePlot>
    ),
    [frame, width, palette, overlays, tooltip, onZoom],
  )
  const a = figures?.admission
  const caption = !a ? '–' : a.mode === 'off' ? `off: nothing is refused on CPU · delay ${ms(a.delayMs)}` : `${a.mode} · delay ${ms(a.delayMs)} against ${ms(a.targetMs)} · refusing ${percent(a.shedFraction)}${a.closing ? ' and closing connections' : ''}${a.held ? ' (held: refusing more would not pay)' : ''}`
  return (
    <ChartCard
      id="admission"
      title="Admission on CPU"
      caption={caption}
      legend={[
        { name: 'loop delay', color: palette.p50 },
        { name: 'target', color: palette.capacity, dashed: true },
        { name: 'refused % (right)', color: palette.p99 },
      ]}
      domain={frame.domain}
      overlays={overlays}
      points={frame.rows.length}
      facts={{ mode: a?.mode ?? null, shedding: a ? String(a.shedding) : null, 'shed-pct': round((a?.shedFraction ?? 0) * 100, 1), 'max-shed-pct': round(peak(frame.rows, 'shedPct'), 1), 'target-ms': round(a?.targetMs, 2) }}
    >
      {plot}
    </ChartCard>
  )
}
