import { Line } from 'recharts'
import type { Frame } from '../../lib/series.ts'
import type { Palette } from '../../theme.ts'
import type { LegendItem } from './ChartCard.tsx'
import { LINE } from './props.ts'

const hue = (palette: Palette, i: number) => palette.instances[i % palette.instances.length]!

/**
 * One thin line per instance of a fleet, keyed `<prefix>_<index>` in the frame's rows.
 * Returned as an array of Lines, not a component: Recharts finds its series among its
 * direct children by type.
 */
export function instanceLines(frame: Frame, palette: Palette, prefix: 'iq' | 'il', yAxisId: string, unit: string) {
  return frame.instanceIds.map((id, i) => (
    <Line {...LINE} key={`${prefix}_${id}`} yAxisId={yAxisId} dataKey={`${prefix}_${i}`} name={`${id} ${unit}`} stroke={hue(palette, i)} strokeWidth={1} strokeDasharray="4 2" />
  ))
}

/** Legend entries for those lines. */
export function instanceLegend(frame: Frame, palette: Palette): LegendItem[] {
  return frame.instanceIds.map((id, i) => ({ name: id, color: hue(palette, i), dashed: true }))
}
