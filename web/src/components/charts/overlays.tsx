import type { PointerEvent as ReactPointerEvent } from 'react'
import { usePlotArea, useXAxisScale } from 'recharts'
import type { Palette } from '../../theme.ts'

/** A burst's time span, shaded across every chart. */
export interface Span {
  id: string
  name: string
  from: number
  /** null while it runs: drawn to the right edge. */
  to: number | null
}

/** A point in time drawn as a vertical line: a user's note, a knob change, or a burst's level set by hand. */
export interface Mark {
  key: string
  at: number
  text: string
  /** The hover title, when it says more than the label (who made the change). */
  title?: string
  kind: 'annotation' | 'config' | 'load'
}

export interface Overlays {
  spans: Span[]
  marks: Mark[]
  /** false: lines and hover titles only. The top row of charts names the marks; every chart repeating it buried the series. */
  labels?: boolean
}

// 10 px system-ui, measured roughly: enough to keep a label inside the plot without measuring it.
const CHAR_PX = 5.6
// Marks closer than this share one stack of labels, one row each, so none hides another.
const CLUSTER_PX = 120
const ROW_PX = 11
const HIT_PX = 9
// The top row is the burst names'.
const TOP_RESERVED_PX = 16

function visible(overlays: Overlays, [from, to]: readonly [number, number]) {
  return {
    spans: overlays.spans.filter((span) => (span.to ?? to) >= from && span.from <= to),
    marks: overlays.marks.filter((mark) => mark.at >= from && mark.at <= to),
  }
}

type Area = { x: number; y: number; width: number; height: number }

function useGeometry(domain: readonly [number, number]) {
  const x = useXAxisScale()
  const area = usePlotArea()
  if (!x || !area) return null
  const px = (t: number) => Math.min(area.x + area.width, Math.max(area.x, x(Math.min(domain[1], Math.max(domain[0], t))) ?? area.x))
  return { px, area: area as Area }
}

const fit = (text: string, px: number) => {
  const chars = Math.max(4, Math.floor(px / CHAR_PX))
  return text.length > chars ? `${text.slice(0, chars - 1)}…` : text
}

/**
 * Burst spans, under the series. Plain SVG rather than ReferenceArea: those register in
 * the chart's store and measure their labels on every redraw. Spans are clipped to the
 * window, so one that began before it still shows.
 */
export function SpanLayer({ overlays, domain, palette }: { overlays: Overlays; domain: readonly [number, number]; palette: Palette }) {
  const geometry = useGeometry(domain)
  if (!geometry) return null
  const { px, area } = geometry
  const right = area.x + area.width
  return (
    <g className="spans" pointerEvents="none">
      {visible(overlays, domain).spans.map((span) => {
        const left = px(span.from)
        const end = px(span.to ?? domain[1])
        // Near the right edge the name is right-aligned to it rather than cut off.
        const fits = left + 3 + span.name.length * CHAR_PX <= right
        return (
          <g key={`span-${span.id}`} className="span">
            <rect x={left} y={area.y} width={Math.max(1, end - left)} height={area.height} fill={palette.span} />
            <text className="span-name" x={fits ? left + 3 : right - 3} y={area.y + 10} fontSize={10} fill={palette.spanText} textAnchor={fits ? 'start' : 'end'} stroke={palette.halo} strokeWidth={3} paintOrder="stroke">
              {span.name}
            </text>
          </g>
        )
      })}
    </g>
  )
}

/**
 * A drag that starts on a mark's line or label is still a zoom: the press goes on to the zoom
 * layer under the marks (which then captures the pointer), so marks in the window never
 * leave a strip of the plot that cannot be dragged from.
 */
function pressZoom(event: ReactPointerEvent<SVGGraphicsElement>): void {
  const zoom = event.currentTarget.ownerSVGElement?.querySelector('.zoom-target')
  zoom?.dispatchEvent(new PointerEvent('pointerdown', event.nativeEvent))
}

/**
 * Notes and knob changes, over the series. Marks close together stack their labels one
 * row each, bottom up, so a preset that changes two knobs shows both; what does not fit
 * says how many more, and every line and label has the full text as a hover title.
 */
export function MarkLayer({ overlays, domain, palette }: { overlays: Overlays; domain: readonly [number, number]; palette: Palette }) {
  const geometry = useGeometry(domain)
  if (!geometry) return null
  const { px, area } = geometry
  const marks = visible(overlays, domain).marks
  const rows = Math.max(1, Math.floor((area.height - TOP_RESERVED_PX) / ROW_PX))
  const clusters: Array<{ x: number; marks: Mark[] }> = []
  for (const mark of marks) {
    const at = px(mark.at)
    const last = clusters.at(-1)
    if (last && at - last.x < CLUSTER_PX) last.marks.push(mark)
    else clusters.push({ x: at, marks: [mark] })
  }
  const right = area.x + area.width
  return (
    <g className="marks">
      {marks.map((mark) => {
        const at = px(mark.at)
        const colour = mark.kind === 'annotation' ? palette.annotation : palette.configMark
        return (
          <g key={`mark-${mark.key}`} className="mark" data-kind={mark.kind}>
            <line x1={at} x2={at} y1={area.y} y2={area.y + area.height} stroke={colour} strokeDasharray={mark.kind === 'config' ? '4 3' : mark.kind === 'load' ? '1 2' : undefined} pointerEvents="none" />
            {/* Wider than it looks, and alone in taking the pointer: the hover title fires without a pixel-perfect aim. */}
            <rect className="mark-hit" x={at - HIT_PX / 2} y={area.y} width={HIT_PX} height={area.height} fill="transparent" pointerEvents="all" onPointerDown={pressZoom}>
              <title>{mark.title ?? mark.text}</title>
            </rect>
          </g>
        )
      })}
      {overlays.labels !== false && clusters.map((cluster) => {
        const shown = cluster.marks.length > rows ? cluster.marks.slice(0, rows - 1) : cluster.marks
        const hidden = cluster.marks.slice(shown.length)
        const y = (row: number) => area.y + area.height - 4 - row * ROW_PX
        // Each label by its own line, one row each within the cluster: right of the line,
        // else left of it, else slid inside the plot across it; cut only when wider than the plot.
        const place = (text: string, at: number) => {
          const label = fit(text, area.width - 6)
          const width = label.length * CHAR_PX
          const x = at + 3 + width <= right - 3 ? at + 3 : at - 3 - width >= area.x + 3 ? at - 3 - width : Math.max(area.x + 3, right - 3 - width)
          return { label, x }
        }
        const more = place(`+${hidden.length} more`, px(hidden[0]?.at ?? cluster.marks[0]!.at))
        return (
          <g key={`labels-${cluster.marks[0]!.key}`} className="mark-labels" fontSize={10} onPointerDown={pressZoom}>
            {shown.map((mark, row) => {
              const { label, x } = place(mark.text, px(mark.at))
              return (
                <text key={mark.key} className="mark-label" x={x} y={y(row)} fill={mark.kind === 'annotation' ? palette.annotation : palette.configMark} stroke={palette.halo} strokeWidth={3} paintOrder="stroke" data-full={mark.text}>
                  <title>{mark.title ?? mark.text}</title>
                  <tspan className="mark-text">{label}</tspan>
                </text>
              )
            })}
            {hidden.length > 0 && (
              <text className="mark-label more" x={more.x} y={y(shown.length)} fill={palette.spanText} stroke={palette.halo} strokeWidth={3} paintOrder="stroke">
                <title>{hidden.map((m) => m.text).join('\n')}</title>
                {more.label}
              </text>
            )}
          </g>
        )
      })}
    </g>
  )
}

/** What a test or a screen reader can read off a chart's overlays. */
export function overlayAttributes(overlays: Overlays, domain: readonly [number, number]) {
  const { spans, marks } = visible(overlays, domain)
  return {
    'data-spans': spans.length,
    'data-span-names': spans.map((s) => s.name).join('|'),
    'data-marks': marks.length,
    'data-mark-texts': marks.map((m) => m.text).join('|'),
  }
}
