/**
 * A line chart as one SVG string: no library, no script, no font or file to fetch, so a
 * report that holds it opens the same offline and years later. x is seconds since the
 * run started; a null y breaks the line.
 */
import { escapeHtml } from './escape.ts'

export interface SvgSeries {
  readonly name: string
  readonly color: string
  readonly dashed?: boolean
  readonly points: ReadonlyArray<readonly [number, number | null]>
}

export interface SvgChart {
  readonly id: string
  readonly title: string
  /** Axis labels: short. */
  readonly axis: (value: number) => string
  readonly series: readonly SvgSeries[]
  /** Vertical lines at these seconds, each with its text as a hover title (a load change, say). */
  readonly marks?: ReadonlyArray<{ readonly x: number; readonly text: string }>
  readonly width?: number
  readonly height?: number
}

const PAD = { top: 12, right: 14, bottom: 26, left: 56 }

/** About `count` round steps (1, 2, 2.5, 5 × 10^n) from 0 up past `max`. */
export function niceTicks(max: number, count = 5): number[] {
  if (!(max > 0)) return [0, 1]
  const raw = max / count
  const power = 10 ** Math.floor(Math.log10(raw))
  const step = ([1, 2, 2.5, 5, 10].find((m) => m * power >= raw) ?? 10) * power
  const ticks: number[] = []
  for (let v = 0; v < max + step * 0.999; v += step) ticks.push(Number(v.toPrecision(12)))
  return ticks
}

const num = (v: number) => (Math.round(v * 10) / 10).toString()

export function svgLineChart({ id, title, axis, series, marks = [], width = 640, height = 220 }: SvgChart): string {
  const plotW = width - PAD.left - PAD.right
  const plotH = height - PAD.top - PAD.bottom
  let maxX = 1
  let maxY = 0
  for (const s of series) {
    for (const [x, y] of s.points) {
      maxX = Math.max(maxX, x)
      if (y !== null && Number.isFinite(y)) maxY = Math.max(maxY, y)
    }
  }
  const yTicks = niceTicks(maxY)
  const top = yTicks.at(-1)!
  const xTicks = niceTicks(maxX, 6).filter((t) => t <= maxX)
  const px = (x: number) => PAD.left + (x / maxX) * plotW
  const py = (y: number) => PAD.top + plotH - (y / top) * plotH

  const grid = yTicks
    .map((t) => `<line class="grid" x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${num(py(t))}" y2="${num(py(t))}"/><text class="axis" x="${PAD.left - 6}" y="${num(py(t) + 3.5)}" text-anchor="end">${escapeHtml(axis(t))}</text>`)
    .join('')
  const xAxis = xTicks.map((t) => `<text class="axis" x="${num(px(t))}" y="${height - 8}" text-anchor="middle">${num(t)} s</text>`).join('')
  const lines = series
    .map((s) => {
      let d = ''
      let pen = false
      for (const [x, y] of s.points) {
        if (y === null || !Number.isFinite(y)) {
          pen = false
          continue
        }
        d += `${pen ? 'L' : 'M'}${num(px(x))} ${num(py(y))}`
        pen = true
      }
      return `<path d="${d}" fill="none" stroke="${escapeHtml(s.color)}" stroke-width="1.6"${s.dashed ? ' stroke-dasharray="5 3"' : ''}><title>${escapeHtml(s.name)}</title></path>`
    })
    .join('')
  const markLines = marks
    .filter((m) => m.x >= 0 && m.x <= maxX)
    .map((m) => `<line class="mark" x1="${num(px(m.x))}" x2="${num(px(m.x))}" y1="${PAD.top}" y2="${PAD.top + plotH}" stroke="#0891b2" stroke-dasharray="2 2"><title>${escapeHtml(m.text)}</title></line>`)
    .join('')
  const legend = series
    .map((s) => `<li><span class="swatch${s.dashed ? ' dashed' : ''}" style="border-color:${escapeHtml(s.color)}"></span>${escapeHtml(s.name)}</li>`)
    .join('')
  const label = `${title}: ${series.map((s) => s.name).join(', ')}`
  return `<figure class="chart" id="${escapeHtml(id)}" data-series="${series.length}" data-marks="${marks.length}" data-points="${series.reduce((n, s) => n + s.points.length, 0)}">
<figcaption>${escapeHtml(title)}</figcaption>
<svg role="img" aria-label="${escapeHtml(label)}" viewBox="0 0 ${width} ${height}" width="100%" preserveAspectRatio="xMidYMid meet" xmlns="http://www.w3.org/2000/svg">
<title>${escapeHtml(label)}</title>${grid}${markLines}<line class="frame" x1="${PAD.left}" x2="${PAD.left}" y1="${PAD.top}" y2="${PAD.top + plotH}"/><line class="frame" x1="${PAD.left}" x2="${PAD.left + plotW}" y1="${PAD.top + plotH}" y2="${PAD.top + plotH}"/>${xAxis}${lines}
</svg>
<ul class="legend">${legend}</ul>
</figure>`
}
