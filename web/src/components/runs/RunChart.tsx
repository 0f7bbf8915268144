import { CartesianGrid, Legend, Line, LineChart, ReferenceLine, Tooltip, XAxis, YAxis } from 'recharts'
import type { Palette } from '../../theme.ts'
import { axisCount, PLOT_MARGIN, Y_AXIS_WIDTH } from '../charts/props.ts'

export interface RunLine {
  key: string
  name: string
  color: string
  data: readonly object[]
  dataKey: string
  dashed?: boolean
}

interface RunChartProps {
  title: string
  lines: readonly RunLine[]
  width: number
  palette: Palette
  /** Tooltip values. */
  format: (value: number) => string
  /** Axis ticks: short. */
  axis?: (value: number) => string
  facts?: Record<string, string | number | null>
  /** Vertical lines at these seconds of the run: a load changed by hand. */
  marks?: ReadonlyArray<{ s: number; text: string }>
}

/** A past run's chart: seconds since the run started on x, so two runs line up. */
export function RunChart({ title, lines, width, palette, format, axis = axisCount, facts = {}, marks = [] }: RunChartProps) {
  const attributes: Record<string, string | number> = { 'data-marks': marks.length, 'data-mark-texts': marks.map((m) => m.text).join('|'), 'data-lines': lines.length, 'data-points': lines.reduce((n, l) => n + l.data.length, 0), 'data-width': width }
  for (const [key, value] of Object.entries(facts)) if (value !== null) attributes[`data-${key}`] = value
  return (
    <figure className="chart run-chart" aria-label={title} {...attributes}>
      <figcaption>
        <span className="chart-title">{title}</span>
      </figcaption>
      <LineChart width={width} height={190} margin={PLOT_MARGIN}>
        <CartesianGrid stroke={palette.grid} strokeDasharray="2 4" vertical={false} />
        <XAxis dataKey="s" type="number" domain={[0, 'dataMax']} allowDuplicatedCategory={false} stroke={palette.axis} tick={{ fontSize: 10 }} allowDecimals={false} tickFormatter={(s: number) => `${s} s`} height={18} padding={{ right: 12 }} />
        <YAxis stroke={palette.axis} tick={{ fontSize: 10 }} tickFormatter={axis} width={Y_AXIS_WIDTH} />
        {lines.map((line) => (
          <Line key={line.key} data={line.data as object[]} dataKey={line.dataKey} name={line.name} stroke={line.color} strokeDasharray={line.dashed ? '4 3' : undefined} isAnimationActive={false} dot={false} strokeWidth={1.5} connectNulls={false} />
        ))}
        {marks.map((mark) => (
          <ReferenceLine key={`${mark.s}-${mark.text}`} x={mark.s} stroke={palette.configMark} strokeDasharray="1 2" ifOverflow="extendDomain" label={{ value: mark.text, position: 'insideTopLeft', fontSize: 10, fill: palette.configMark }} />
        ))}
        <Tooltip isAnimationActive={false} labelFormatter={(s) => `${s} s`} formatter={(v) => format(Number(v))} contentStyle={{ fontSize: 12, background: palette.tooltip, borderColor: palette.grid }} />
        <Legend height={30} iconSize={8} wrapperStyle={{ fontSize: 11 }} />
      </LineChart>
    </figure>
  )
}
