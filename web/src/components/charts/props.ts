import type { EffectiveConfig } from '../../../../shared/config.ts'
import type { Figures } from '../../lib/figures.ts'
import type { Frame } from '../../lib/series.ts'
import type { Palette } from '../../theme.ts'
import type { Overlays } from './overlays.tsx'

/** What every live chart is drawn from; one Frame per new pixel column feeds them all. */
export interface LiveChartProps {
  frame: Frame
  figures: Figures | null
  config: EffectiveConfig | null
  width: number
  palette: Palette
  overlays: Overlays
  /** The pointer is over the charts: show synced tooltips. */
  tooltip: boolean
  /** A range dragged across a chart. Stable: the plots are memoised on it. */
  onZoom: (from: number, to: number) => void
}

/** Series props every line shares: no animation, no dots, breaks at gaps. */
export const LINE = { isAnimationActive: false, dot: false, activeDot: false, strokeWidth: 1.5, type: 'linear', connectNulls: false } as const
export const AREA = { isAnimationActive: false, dot: false, activeDot: false, type: 'linear', connectNulls: false } as const

export const AXIS_TICK = { fontSize: 10 } as const
/** Room above the top y label ("600ms" is drawn centred on the plot's top edge) and right of the last time label. */
export const PLOT_MARGIN = { top: 10, right: 6, bottom: 0, left: 0 } as const
/** Wide enough for "1.2K/s" or "600ms" at 10 px. */
export const Y_AXIS_WIDTH = 44

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 })
export const axisCount = (v: number) => compact.format(v)
export const axisMs = (v: number) => (v >= 1000 ? `${compact.format(v / 1000)}s` : `${compact.format(v)}ms`)
export const axisPercent = (v: number) => `${v}%`

/** The highest value of `key` in `rows`, ignoring gaps. */
export function peak<T extends object>(rows: readonly T[], key: keyof T): number | null {
  let max: number | null = null
  for (const row of rows) {
    const value = row[key]
    if (typeof value === 'number' && (max === null || value > max)) max = value
  }
  return max
}

export const round = (value: number | null | undefined, digits = 0): number | null =>
  value == null || !Number.isFinite(value) ? null : Number(value.toFixed(digits))
