import { useState, type PointerEvent } from 'react'
import { usePlotArea } from 'recharts'
import type { Palette } from '../../theme.ts'

/** A drag narrower than this is a click, not a range. */
const MIN_DRAG_PX = 6

/**
 * Drag across the plot to pick a time range. The axis domain is exactly the frame's
 * [from, to] (allowDataOverflow), so a pixel maps to a time linearly. It sits over the
 * series but under the marks, whose hover titles must still fire; the pointer events
 * bubble on to the chart, so the synced tooltip keeps working.
 */
export function ZoomLayer({ domain, palette, onZoom }: { domain: readonly [number, number]; palette: Palette; onZoom: (from: number, to: number) => void }) {
  const area = usePlotArea()
  const [drag, setDrag] = useState<{ x0: number; x1: number } | null>(null)
  if (!area) return null
  const toX = (event: PointerEvent<SVGRectElement>) => {
    const box = event.currentTarget.ownerSVGElement!.getBoundingClientRect()
    return Math.min(area.x + area.width, Math.max(area.x, event.clientX - box.left))
  }
  const toTime = (x: number) => domain[0] + ((x - area.x) / area.width) * (domain[1] - domain[0])
  const left = drag ? Math.min(drag.x0, drag.x1) : 0
  const width = drag ? Math.abs(drag.x1 - drag.x0) : 0
  return (
    <g className="zoom">
      <rect
        className="zoom-target"
        x={area.x}
        y={area.y}
        width={area.width}
        height={area.height}
        fill="transparent"
        pointerEvents="all"
        onPointerDown={(event) => {
          if (event.button !== 0) return
          event.currentTarget.setPointerCapture(event.pointerId)
          const x = toX(event)
          setDrag({ x0: x, x1: x })
        }}
        onPointerMove={(event) => {
          if (drag) setDrag({ ...drag, x1: toX(event) })
        }}
        onPointerUp={(event) => {
          if (!drag) return
          const x1 = toX(event)
          setDrag(null)
          if (Math.abs(x1 - drag.x0) >= MIN_DRAG_PX) onZoom(toTime(Math.min(drag.x0, x1)), toTime(Math.max(drag.x0, x1)))
        }}
        onPointerCancel={() => setDrag(null)}
      />
      {drag && width > 0 && <rect className="zoom-selection" x={left} y={area.y} width={width} height={area.height} fill={palette.selection} pointerEvents="none" />}
    </g>
  )
}
