import { useMemo } from 'react'
import { Line, YAxis } from 'recharts'
import { bytes } from '../../lib/format.ts'
import { ChartCard } from './ChartCard.tsx'
import { AXIS_TICK, LINE, peak, round, Y_AXIS_WIDTH, type LiveChartProps } from './props.ts'
import { LEFT_AXIS, TimePlot } from './TimePlot.tsx'

const MB = 1024 * 1024
const axisMb = (v: number) => `${Math.round(v)}M`

/** RSS against the JS heap: RSS that stays up after the heap falls is fragmentation, not a leak. */
export function MemoryChart({ frame, tooltip, onZoom, figures, width, palette, overlays }: LiveChartProps) {
  const plot = useMemo(
    () => (
      <TimePlot width={width} domain={frame.domain} ticks={frame.ticks} data={frame.rows} palette={palette} overlays={overlays} tooltip={tooltip} onZoom={onZoom}>
        <YAxis yAxisId={LEFT_AXIS} stroke={palette.axis} tick={AXIS_TICK} interval={0} tickFormatter={axisMb} width={Y_AXIS_WIDTH} domain={[0, 'auto']} />
        <Line {...LINE} yAxisId={LEFT_AXIS} dataKey="rssMb" name="RSS (MB)" stroke={palette.rss} />
        <Line {...LINE} yAxisId={LEFT_AXIS} dataKey="heapTotalMb" name="heap total (MB)" stroke={palette.heapTotal} strokeDasharray="4 3" />
        <Line {...LINE} yAxisId={LEFT_AXIS} dataKey="heapUsedMb" name="heap used (MB)" stroke={palette.heapUsed} />
      </TimePlot>
    ),
    [frame, width, palette, overlays, tooltip, onZoom],
  )
  return (
    <ChartCard
      id="memory"
      title="Memory"
      caption={figures ? `RSS ${bytes(figures.rssBytes)} · heap ${bytes(figures.heapUsedBytes)} of ${bytes(figures.heapTotalBytes)}` : '–'}
      legend={[
        { name: 'RSS', color: palette.rss },
        { name: 'heap total', color: palette.heapTotal, dashed: true },
        { name: 'heap used', color: palette.heapUsed },
      ]}
      domain={frame.domain}
      overlays={overlays}
      points={frame.rows.length}
      facts={{ 'rss-mb': round((figures?.rssBytes ?? 0) / MB, 1), 'max-rss-mb': round(peak(frame.rows, 'rssMb'), 1), 'heap-mb': round((figures?.heapUsedBytes ?? 0) / MB, 1) }}
    >
      {plot}
    </ChartCard>
  )
}
