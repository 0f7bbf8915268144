import { useCallback } from 'react'
import type { BurstPreset, BurstSpec } from '../../../../shared/bursts.ts'
import type { LiveBurst } from '../../lib/stream-store.ts'
import { BurstForm } from './BurstForm.tsx'
import { BurstProgress } from './BurstProgress.tsx'
import { PresetList } from './PresetList.tsx'

interface BurstPanelProps {
  presets: readonly BurstPreset[]
  /** The running burst, or the last one to end. */
  current: LiveBurst | undefined
  error: string | null
  onStart: (what: { preset: string } | { spec: BurstSpec }) => void
  onStop: (id: string) => void
}

/** Launch bursts (a preset or a custom spec), follow the running one, stop it. */
export function BurstPanel({ presets, current, error, onStart, onStop }: BurstPanelProps) {
  const running = current?.endedAt === null
  const preset = current ? presets.find((p) => p.name === current.name) : undefined
  const runPreset = useCallback((name: string) => onStart({ preset: name }), [onStart])
  const runSpec = useCallback((spec: BurstSpec) => onStart({ spec }), [onStart])
  return (
    <section className="panel" aria-labelledby="bursts-title">
      <h2 id="bursts-title">Load bursts</h2>
      {current && <BurstProgress burst={current} preset={preset} onStop={onStop} />}
      {error && (
        <p role="alert" className="error">
          {error}
        </p>
      )}
      <PresetList presets={presets} disabled={running} onRun={runPreset} />
      <details className="custom-burst">
        <summary>Custom burst…</summary>
        <BurstForm disabled={running} onStart={runSpec} />
      </details>
    </section>
  )
}
