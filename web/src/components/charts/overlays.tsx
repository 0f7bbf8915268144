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

/** A point in time drawn as a vertical line: a user's note or a knob change. */
export interface Mark {
  key: string
  at: number
  text: string
  kind: 'annotation' | 'config'
}

export interface Overlays {
  spans: Span[]
  marks: Mark[]
}

const LABEL_CHARS = 22
// 10 px system-ui, measured roughly: enough to keep a label inside the plot without measuring it.
const CHAR_PX = 5.6
// Marks closer than this share one label (the first); the others keep their line and a hover title.
const LABEL_GAP_PX = 120

function visible(overlays: Overlays, [from, to]: readonly [number, number]) {
  return {
    spans: overlays.spans.filter((span) => (span.to ?? to) >= from && span.from <= to),
    marks: overlays.marks.filter((mark) => mark.at >= from && mark.at <= to),
  }
}

/**
 * Burst spans and marks, drawn in the chart's own coordinates. Plain SVG rather than
 * ReferenceArea/ReferenceLine: those register in the chart's store and measure their
 * labels on every redraw, which with a dozen knob changes in the window cost more than
 * the series themselves. Spans are clipped to the window, so one that began before it
 * still shows.
 */
export function OverlayLayer({ overlays, domain, palette }: { overlays: Overlays; domain: readonly [number, number]; palette: Palette }) {
  const x = useXAxisScale()
  const area = usePlotArea()
  if (!x || !area) return null
  const { spans, marks } = visible(overlays, domain)
  let lastLabel = -Infinity
  const px = (t: number) => Math.min(area.x + area.width, Math.max(area.x, x(Math.min(domain[1], Math.max(domain[0], t))) ?? area.x))
  return (
    <g className="overlays" pointerEvents="none">
      {spans.map((span) => {
        const left = px(span.from)
        const right = px(span.to ?? domain[1])
        // Near the right edge the name is right-aligned to it rather than cut off.
        const fits = left + 3 + span.name.length * CHAR_PX <= area.x + area.width
        return (
          <g key={`span-${span.id}`} className="span">
            <rect x={left} y={area.y} width={Math.max(1, right - left)} height={area.height} fill={palette.span} />
            <text x={fits ? left + 3 : area.x + area.width - 3} y={area.y + 10} fontSize={10} fill={palette.spanText} textAnchor={fits ? 'start' : 'end'}>
              {span.name}
            </text>
          </g>
        )
      })}
      {marks.map((mark) => {
        const at = px(mark.at)
        const colour = mark.kind === 'annotation' ? palette.annotation : palette.configMark
        const labelled = at - lastLabel >= LABEL_GAP_PX
        if (labelled) lastLabel = at
        const label = mark.text.length > LABEL_CHARS ? `${mark.text.slice(0, LABEL_CHARS - 1)}…` : mark.text
        const toRight = at + 3 + label.length * CHAR_PX <= area.x + area.width
        return (
          <g key={`mark-${mark.key}`} className="mark">
            <title>{mark.text}</title>
            <line x1={at} x2={at} y1={area.y} y2={area.y + area.height} stroke={colour} strokeDasharray={mark.kind === 'config' ? '4 3' : undefined} />
            {labelled && (
              <text x={toRight ? at + 3 : at - 3} y={area.y + area.height - 4} fontSize={10} fill={colour} textAnchor={toRight ? 'start' : 'end'}>
                {label}
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
