import { useMemo } from 'react'
import { Area, Line, YAxis } from 'recharts'
import { spoolFigures } from '../../lib/spool-figures.ts'
import { ChartCard } from './ChartCard.tsx'
import { AREA, AXIS_TICK, axisMs, LINE, peak, round, Y_AXIS_WIDTH, type LiveChartProps } from './props.ts'
import { LEFT_AXIS, RIGHT_AXIS, TimePlot } from './TimePlot.tsx'

const axisMb = (v: number) => `${Math.round(v * 10) / 10}M`

/**
 * The write-ahead spool (SLUICE_DURABILITY=spool): its size on disk, how long its oldest
 * event has waited for PostgreSQL, and the fsync figures that set what a 202 costs.
 * Drawn only with the spool; `replayed` is what the last start read back after a crash.
 */
export function SpoolChart({ frame, tooltip, onZoom, figures, config, width, palette, overlays }: LiveChartProps) {
  const plot = useMemo(
    () => (
      <TimePlot width={width} domain={frame.domain} ticks={frame.ticks} data={frame.rows} palette={palette} overlays={overlays} tooltip={tooltip} onZoom={onZoom}>
        <YAxis yAxisId={LEFT_AXIS} stroke={palette.axis} tick={AXIS_TICK} interval={0} tickFormatter={axisMb} width={Y_AXIS_WIDTH} domain={[0, 'auto']} />
        <YAxis yAxisId={RIGHT_AXIS} orientation="right" stroke={palette.axis} tick={AXIS_TICK} interval={0} tickFormatter={axisMs} width={Y_AXIS_WIDTH} domain={[0, (dataMax: number) => Math.max(dataMax, 1_000)]} />
        <Area {...AREA} yAxisId={LEFT_AXIS} dataKey="spoolMb" name="on disk (MB)" stroke={palette.queueBytes} fill={palette.queueBytes} fillOpacity={0.2} />
        <Line {...LINE} yAxisId={RIGHT_AXIS} dataKey="spoolAgeMs" name="oldest unwritten (ms)" stroke={palette.age} />
      </TimePlot>
    ),
    [frame, width, palette, overlays, tooltip, onZoom],
  )
  const items = spoolFigures(figures?.spool, config?.fixed.pid ?? null)
  const byKey = Object.fromEntries(items.map((f) => [f.key, f]))
  const caption = items.length ? `${byKey.bytes!.text} · ${byKey.segments!.text} segments · replayed ${byKey.replayed!.text}` : '–'
  const facts: Record<string, string | number | null> = { 'max-mb': round(peak(frame.rows, 'spoolMb'), 1), 'max-fsyncs-per-sec': round(peak(frame.rows, 'fsyncsPerSec')) }
  for (const f of items) facts[f.key] = f.value
  return (
    <ChartCard
      id="spool"
      title="Spool (write-ahead log)"
      caption={caption}
      legend={[
        { name: 'on disk', color: palette.queueBytes },
        { name: 'oldest unwritten (right)', color: palette.age },
      ]}
      domain={frame.domain}
      overlays={overlays}
      points={frame.rows.length}
      facts={facts}
    >
      {plot}
      <dl className="spool-figures">
        {items.map((f) => (
          <div key={f.key} data-figure={f.key}>
            <dt>{f.label}</dt>
            <dd>{f.text}</dd>
          </div>
        ))}
      </dl>
    </ChartCard>
  )
}
