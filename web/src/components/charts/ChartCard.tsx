import type { ReactNode } from 'react'
import { overlayAttributes, type Overlays } from './overlays.tsx'

export interface LegendItem {
  name: string
  color: string
  dashed?: boolean
}

interface ChartCardProps {
  id: string
  title: string
  /** One line under the title: the figure that matters now. */
  caption: string
  legend: readonly LegendItem[]
  domain: readonly [number, number]
  overlays: Overlays
  points: number
  /** Figures exposed as data-* attributes and as screen-reader text. */
  facts: Record<string, string | number | null>
  /** Shown over the plot when there is nothing to draw. */
  empty?: string | undefined
  /** The plot: memoised by the chart, so a caption change does not redraw it. */
  children: ReactNode
}

/** A live chart's frame: title, current figure, legend, and what tests and screen readers read. */
export function ChartCard({ id, title, caption, legend, domain, overlays, points, facts, empty, children }: ChartCardProps) {
  const attributes: Record<string, string | number> = { ...overlayAttributes(overlays, domain), 'data-points': points }
  for (const [key, value] of Object.entries(facts)) if (value !== null) attributes[`data-${key}`] = value
  return (
    <figure className="chart" aria-label={title} data-chart={id} {...attributes}>
      <figcaption>
        <span className="chart-title">{title}</span>
        <span className="chart-caption">{caption}</span>
      </figcaption>
      <div className="chart-plot">
        {children}
        {empty && <p className="chart-empty">{empty}</p>}
      </div>
      <ul className="legend" aria-label={`${title} series`}>
        {legend.map((item) => (
          <li key={item.name}>
            <span className={`swatch${item.dashed ? ' dashed' : ''}`} style={{ borderColor: item.color, background: item.dashed ? 'transparent' : item.color }} aria-hidden="true" />
            {item.name}
          </li>
        ))}
      </ul>
      <ul className="sr-only">
        {Object.entries(facts).map(([key, value]) => (
          <li key={key}>
            {key}: {value ?? 'none'}
          </li>
        ))}
      </ul>
    </figure>
  )
}
