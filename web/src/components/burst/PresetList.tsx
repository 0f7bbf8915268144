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
 * The seed's experiments, one click each. A line a preset, so the knobs below stay in
 * view: its title (open it for what it sends and what to watch) and the knobs it sets.
 */
export const PresetList = memo(function PresetList({ presets, disabled, shownAbove, error, onRun }: PresetListProps) {
  return (
    <ul className="presets" aria-label="Presets">
      {presets.map((preset) => {
        const knobs = burstKnobsText(preset.spec.knobs)
        const sends = (
          <p className="preset-spec">
            {specLine(preset.spec)}
            {preset.variants && ` · ${preset.variants.length} runs: ${preset.variants.map((v) => v.label).join(', ')}`}
          </p>
        )
        const watch = (
          <p className="preset-watch" id={`watch-${preset.name}`}>
            <Prose text={preset.watch} />
          </p>
        )
        return (
          <li key={preset.name} className="preset" data-preset={preset.name}>
            <div className="preset-head">
              {shownAbove === preset.name ? (
                <span className="preset-title" id={`preset-${preset.name}`} title="What to watch: in the burst card above">
                  {preset.title}
                </span>
              ) : (
                <details className="preset-more">
                  <summary className="preset-title" id={`preset-${preset.name}`} title="What it sends and what to watch">
                    {preset.title}
                  </summary>
                  {sends}
                  {watch}
                </details>
              )}
              <button type="button" className="primary small" aria-label={`Run ${preset.title}`} aria-describedby={shownAbove === preset.name ? undefined : `watch-${preset.name}`} disabled={disabled} onClick={() => onRun(preset.name)}>
                Run
              </button>
            </div>
            {/* The knobs a preset changes are what explain its charts: said before it runs, not hidden. */}
            {knobs && <p className="preset-spec preset-knobs">sets {knobs}</p>}
            {error?.preset === preset.name && (
              <p role="alert" className="error small">
                {error.message}
              </p>
            )}
          </li>
        )
      })}
    </ul>
  )
})
