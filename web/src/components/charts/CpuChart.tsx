import { useMemo } from 'react'
import { Line, YAxis } from 'recharts'
import { ChartCard } from './ChartCard.tsx'
import { AXIS_TICK, LINE, peak, round, Y_AXIS_WIDTH, type LiveChartProps } from './props.ts'
import { LEFT_AXIS, TimePlot } from './TimePlot.tsx'

const cores = (value: number | null | undefined) => (value == null ? '–' : `${value.toFixed(2)} cores`)

/**
 * Who uses the machine's cores: the server, its embedded PostgreSQL and a burst's load
 * generator (its own process). On a small machine they share the same cores, so a
 * generator that takes one is one the server does not have.
 */
export function CpuChart({ frame, tooltip, onZoom, figures, width, palette, overlays }: LiveChartProps) {
  const plot = useMemo(
    () => (
      <TimePlot width={width} domain={frame.domain} ticks={frame.ticks} data={frame.rows} palette={palette} overlays={overlays} tooltip={tooltip} onZoom={onZoom}>
        <YAxis yAxisId={LEFT_AXIS} stroke={palette.axis} tick={AXIS_TICK} interval={0} width={Y_AXIS_WIDTH} allowDecimals domain={[0, 'auto']} />
        <Line {...LINE} yAxisId={LEFT_AXIS} dataKey="cpuServer" name="server (cores)" stroke={palette.p50} />
        <Line {...LINE} yAxisId={LEFT_AXIS} dataKey="cpuDatabase" name="PostgreSQL (cores)" stroke={palette.max} />
        <Line {...LINE} yAxisId={LEFT_AXIS} dataKey="cpuGenerator" name="generator (cores)" stroke={palette.elu} strokeDasharray="2 2" />
      </TimePlot>
    ),
    [frame, width, palette, overlays, tooltip, onZoom],
  )
  const cpu = figures?.cpu
  return (
    <ChartCard
      id="cpu"
      title="CPU"
      caption={cpu ? `server ${cores(cpu.server)} · PostgreSQL ${cpu.database === null ? 'external' : cores(cpu.database)} · generator ${cpu.generator === null ? 'idle' : cores(cpu.generator)}` : '–'}
      legend={[
        { name: 'server', color: palette.p50 },
        { name: 'PostgreSQL', color: palette.max },
        { name: 'generator', color: palette.elu, dashed: true },
      ]}
      domain={frame.domain}
      overlays={overlays}
      points={frame.rows.length}
      facts={{ 'server-cores': round(cpu?.server, 2), 'database-cores': round(cpu?.database, 2), 'generator-cores': round(cpu?.generator, 2), 'max-server-cores': round(peak(frame.rows, 'cpuServer'), 2) }}
    >
      {plot}
    </ChartCard>
  )
}
