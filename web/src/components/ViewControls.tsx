import { clock } from '../lib/format.ts'
import { WINDOWS, type TimeRange } from '../lib/url-state.ts'

interface ViewControlsProps {
  windowMs: number
  /** The fixed range shown (paused or zoomed), or null when the charts follow live. */
  range: TimeRange | null
  onWindow: (ms: number) => void
  onPause: () => void
  onLive: () => void
}

/** The charts' window, and whether they follow the stream or hold still on a range. */
export function ViewControls({ windowMs, range, onWindow, onPause, onLive }: ViewControlsProps) {
  return (
    <div className="view-controls">
      <div role="radiogroup" aria-label="Time window" className="segmented">
        {WINDOWS.map((w) => {
          const checked = range === null && windowMs === w.ms
          return (
            <button key={w.ms} type="button" role="radio" aria-checked={checked} className={checked ? 'active' : ''} onClick={() => onWindow(w.ms)}>
              {w.label}
            </button>
          )
        })}
      </div>
      {range ? (
        <>
          <span className="range-chip" role="status" aria-label="Shown range" data-from={range.from} data-to={range.to}>
            {clock(range.from)}–{clock(range.to)}
          </span>
          <button type="button" className="small" onClick={onLive} title="Follow the stream again">
            ▶ Live
          </button>
        </>
      ) : (
        <button type="button" className="small" onClick={onPause} title="Hold the charts still; drag across a chart to zoom">
          ❚❚ Pause
        </button>
      )}
    </div>
  )
}
