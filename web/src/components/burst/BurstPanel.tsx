import { useCallback, useState } from 'react'
import type { BurstCaps } from '../../../../shared/api.ts'
import type { BurstPreset, BurstSpec, LoadPatch } from '../../../../shared/bursts.ts'
import { errorText } from '../../api.ts'
import type { BurstAction } from '../../hooks/useBursts.ts'
import type { LiveBurst } from '../../lib/stream-store.ts'
import { BurstForm } from './BurstForm.tsx'
import { BurstProgress } from './BurstProgress.tsx'
import { PresetList } from './PresetList.tsx'

interface BurstPanelProps {
  presets: readonly BurstPreset[]
  /** The running burst, or the last one to end. */
  current: LiveBurst | undefined
  /** Why the run history could not be read. */
  listError: string | null
  onStart: (what: { preset: string } | { spec: BurstSpec }) => Promise<BurstAction>
  onStop: (id: string) => Promise<BurstAction>
  caps: BurstCaps | null
  onSetLevel: (id: string, patch: LoadPatch) => Promise<BurstAction>
}

/** Launch bursts (a preset or a custom spec), follow the running one, stop it. Each error shows by the button that caused it. */
export function BurstPanel({ presets, current, listError, onStart, onStop, caps, onSetLevel }: BurstPanelProps) {
  const running = current?.endedAt === null
  const preset = current ? presets.find((p) => p.name === current.name) : undefined
  const [presetError, setPresetError] = useState<{ preset: string; message: string } | null>(null)
  const [stopError, setStopError] = useState<string | null>(null)
  const runPreset = useCallback(
    async (name: string) => {
      setPresetError(null)
      const result = await onStart({ preset: name })
      if (!result.ok) setPresetError({ preset: name, message: errorText(result.error, 'The burst did not start') })
    },
    [onStart],
  )
  // Stable, so the memoised list and form do not redraw on every tick.
  const onRunPreset = useCallback((name: string) => void runPreset(name), [runPreset])
  const runSpec = useCallback((spec: BurstSpec) => onStart({ spec }), [onStart])
  const stop = useCallback(
    async (id: string) => {
      setStopError(null)
      const result = await onStop(id)
      if (!result.ok) setStopError(errorText(result.error, 'The burst was not stopped'))
    },
    [onStop],
  )
  return (
    <section className="panel" aria-labelledby="bursts-title">
      <h2 id="bursts-title">Load bursts</h2>
      {current && <BurstProgress burst={current} preset={preset} stopError={stopError} onStop={(id) => void stop(id)} caps={caps} onSetLevel={onSetLevel} />}
      {listError && (
        <p role="alert" className="error">
          {listError}
        </p>
      )}
      <PresetList presets={presets} disabled={running} shownAbove={preset?.name ?? null} error={presetError} onRun={onRunPreset} />
      <details className="custom-burst">
        <summary>Custom burst…</summary>
        <BurstForm disabled={running} onStart={runSpec} />
      </details>
    </section>
  )
}
