import { useState } from 'react'
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
          // The rest of the drag is followed on the window, not on this element: a live
          // tick may re-lay the plot (a wider axis label) and replace the element mid-drag,
          // which lost the pointer capture and with it the zoom.
          const svg = event.currentTarget.ownerSVGElement!
          const toX = (clientX: number) => Math.min(area.x + area.width, Math.max(area.x, clientX - svg.getBoundingClientRect().left))
          const x0 = toX(event.clientX)
          setDrag({ x0, x1: x0 })
          const move = (e: globalThis.PointerEvent) => setDrag({ x0, x1: toX(e.clientX) })
          const end = (e: globalThis.PointerEvent) => {
            window.removeEventListener('pointermove', move)
            window.removeEventListener('pointerup', end)
            window.removeEventListener('pointercancel', cancel)
            setDrag(null)
            const x1 = toX(e.clientX)
            if (Math.abs(x1 - x0) >= MIN_DRAG_PX) onZoom(toTime(Math.min(x0, x1)), toTime(Math.max(x0, x1)))
          }
          const cancel = () => {
            window.removeEventListener('pointermove', move)
            window.removeEventListener('pointerup', end)
            window.removeEventListener('pointercancel', cancel)
            setDrag(null)
          }
          window.addEventListener('pointermove', move)
          window.addEventListener('pointerup', end)
          window.addEventListener('pointercancel', cancel)
        }}
      />
      {drag && width > 0 && <rect className="zoom-selection" x={left} y={area.y} width={width} height={area.height} fill={palette.selection} pointerEvents="none" />}
    </g>
  )
}
