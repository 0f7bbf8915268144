import { memo } from 'react'
import type { BurstPreset, BurstSpec } from '../../../../shared/bursts.ts'
import { duration } from '../../lib/format.ts'
import { burstKnobsText } from '../../lib/knob-text.ts'
import { Prose } from '../Prose.tsx'

/** "open · spike 150 → 600/s · 15 s": what a preset sends, in one line. */
function specLine(spec: BurstSpec): string {
  const unit = spec.model === 'closed' ? ' conn' : '/s'
  const s = spec.shape
  const shape =
    s.kind === 'steady' ? `steady ${s.level}${unit}` : s.kind === 'ramp' ? `ramp ${s.from} → ${s.to}${unit}` : s.kind === 'step' ? `steps ${s.levels.join(', ')}${unit}` : `spike ${s.base} → ${s.peak}${unit}`
  return `${spec.model} · ${shape} · ${duration(spec.durationMs)}`
}

interface PresetListProps {
  presets: readonly BurstPreset[]
  disabled: boolean
  /** The preset whose description the burst card already shows: not repeated here. */
  shownAbove: string | null
  /** Why the last Run of a preset did not start, shown under that preset's button. */
  error: { preset: string; message: string } | null
  onRun: (name: string) => void
}

/**
 * The seed's experiments, one click each. Compact, so the knobs below stay in view: the
 * title, what it sends and which knobs it sets, and what to watch behind a disclosure.
 */
export const PresetList = memo(function PresetList({ presets, disabled, shownAbove, error, onRun }: PresetListProps) {
  return (
    <ul className="presets" aria-label="Presets">
      {presets.map((preset) => {
        const knobs = burstKnobsText(preset.spec.knobs)
        return (
          <li key={preset.name} className="preset" data-preset={preset.name}>
            <div className="preset-head">
              <span className="preset-title" id={`preset-${preset.name}`}>
                {preset.title}
              </span>
              <button type="button" className="primary small" aria-label={`Run ${preset.title}`} aria-describedby={`watch-${preset.name}`} disabled={disabled} onClick={() => onRun(preset.name)}>
                Run
              </button>
            </div>
            <p className="preset-spec">
              {specLine(preset.spec)}
              {knobs && <span className="preset-knobs"> · sets {knobs}</span>}
            </p>
            {error?.preset === preset.name && (
              <p role="alert" className="error small">
                {error.message}
              </p>
            )}
            {shownAbove === preset.name ? (
              <p className="preset-watch muted small" id={`watch-${preset.name}`}>
                What to watch: in the burst card above.
              </p>
            ) : (
              <details className="preset-more">
                <summary>What to watch</summary>
                <p className="preset-watch" id={`watch-${preset.name}`}>
                  <Prose text={preset.watch} />
                </p>
              </details>
            )}
          </li>
        )
      })}
    </ul>
  )
})
