import { ReferenceArea, ReferenceLine } from 'recharts'
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

/**
 * Recharts wants reference elements as direct children of the chart, so this returns
 * them as an array rather than a component. Clipped to the domain, so an old span does not
 * vanish just because it began before the window.
 */
export function overlayElements(overlays: Overlays, domain: readonly [number, number], palette: Palette, yAxisId: string, labels = true) {
  const [from, to] = domain
  const spans = overlays.spans
    .filter((span) => (span.to ?? to) >= from && span.from <= to)
    .map((span) => (
      <ReferenceArea
        key={`span-${span.id}`}
        yAxisId={yAxisId}
        x1={Math.max(from, span.from)}
        x2={Math.min(to, span.to ?? to)}
        fill={palette.span}
        fillOpacity={1}
        stroke="none"
        ifOverflow="hidden"
        label={labels ? { value: span.name, position: 'insideTopLeft', fill: palette.spanText, fontSize: 10 } : undefined}
      />
    ))
  const marks = overlays.marks
    .filter((mark) => mark.at >= from && mark.at <= to)
    .map((mark) => (
      <ReferenceLine
        key={`mark-${mark.key}`}
        yAxisId={yAxisId}
        x={mark.at}
        stroke={mark.kind === 'annotation' ? palette.annotation : palette.configMark}
        strokeDasharray={mark.kind === 'config' ? '4 3' : undefined}
        ifOverflow="hidden"
        label={labels ? { value: mark.text, position: 'insideTopRight', fill: mark.kind === 'annotation' ? palette.annotation : palette.configMark, fontSize: 10 } : undefined}
      />
    ))
  return [...spans, ...marks]
}

/** What a test or a screen reader can read off a chart's overlays. */
export function overlayAttributes(overlays: Overlays, domain: readonly [number, number]) {
  const [from, to] = domain
  const spans = overlays.spans.filter((span) => (span.to ?? to) >= from && span.from <= to)
  const marks = overlays.marks.filter((mark) => mark.at >= from && mark.at <= to)
  return {
    'data-spans': spans.length,
    'data-span-names': spans.map((s) => s.name).join('|'),
    'data-marks': marks.length,
    'data-mark-texts': marks.map((m) => m.text).join('|'),
  }
}
