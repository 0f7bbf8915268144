import { memo } from 'react'
import type { BurstPreset } from '../../../../shared/bursts.ts'

/** The seed's experiments, one click each, each with what to watch for. */
export const PresetList = memo(function PresetList({ presets, disabled, onRun }: { presets: readonly BurstPreset[]; disabled: boolean; onRun: (name: string) => void }) {
  return (
    <ul className="presets" aria-label="Presets">
      {presets.map((preset) => (
        <li key={preset.name} className="preset" data-preset={preset.name}>
          <div className="preset-head">
            <span className="preset-title" id={`preset-${preset.name}`}>
              {preset.title}
            </span>
            <button type="button" className="primary small" aria-label={`Run ${preset.title}`} aria-describedby={`watch-${preset.name}`} disabled={disabled} onClick={() => onRun(preset.name)}>
              Run
            </button>
          </div>
          <p className="preset-watch" id={`watch-${preset.name}`}>
            {preset.watch}
          </p>
        </li>
      ))}
    </ul>
  )
})
