import { useXAxisScale, useYAxisScale } from 'recharts'
import { FLUSH_TRIGGERS, type FlushTrigger } from '../../../../shared/ingest.ts'
import type { FlushPoint } from '../../lib/series.ts'
import type { Palette } from '../../theme.ts'

const R = 2.5

/**
 * Each trigger's flushes as one SVG path of small circles. Recharts' Scatter draws a
 * component per point, which measured 200-400 ms for a 15-minute window here; one path
 * per trigger is a string join.
 */
export function FlushDots({ flushes, palette, yAxisId }: { flushes: Record<FlushTrigger, FlushPoint[]>; palette: Palette; yAxisId: string }) {
  const x = useXAxisScale()
  const y = useYAxisScale(yAxisId)
  if (!x || !y) return null
  return (
    <g className="flush-dots">
      {FLUSH_TRIGGERS.map((trigger) => {
        const points = flushes[trigger]
        if (!points.length) return null
        let d = ''
        for (const p of points) {
          const cx = x(p.t)
          const cy = y(p.events)
          if (cx === undefined || cy === undefined) continue
          d += `M${(cx - R).toFixed(1)} ${cy.toFixed(1)}a${R} ${R} 0 1 0 ${2 * R} 0a${R} ${R} 0 1 0 ${-2 * R} 0`
        }
        return <path key={trigger} d={d} fill={palette.triggers[trigger]} data-trigger={trigger} />
      })}
    </g>
  )
}
