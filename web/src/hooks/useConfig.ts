import { useCallback, useState } from 'react'
import type { EffectiveConfig, LiveConfig } from '../../../shared/config.ts'
import { ApiError, errorText, sendJson } from '../api.ts'

/** A knob change that did not apply: which knob (null when none is named), and why in words. */
export interface KnobError {
  key: keyof LiveConfig | null
  message: string
}

export interface ConfigControl {
  /** Set PATCH /api/config's answer; the stream's `config` event brings the same to every tab. */
  readonly patch: (change: Partial<LiveConfig>) => Promise<boolean>
  readonly pending: boolean
  readonly error: KnobError | null
}

/** Changes live knobs. The current values come from the stream (hello and `config` events). */
export function useConfig(onApplied?: (config: EffectiveConfig) => void): ConfigControl {
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<KnobError | null>(null)
  const patch = useCallback(
    async (change: Partial<LiveConfig>) => {
      setPending(true)
      const keys = Object.keys(change) as Array<keyof LiveConfig>
      try {
        const config = await sendJson<EffectiveConfig>('PATCH', '/api/config', change)
        setError(null)
        onApplied?.(config)
        return true
      } catch (e) {
        const named = e instanceof ApiError && e.field ? (e.field as keyof LiveConfig) : null
        setError({ key: named ?? (keys.length === 1 ? keys[0]! : null), message: errorText(e, 'Not applied') })
        return false
      } finally {
        setPending(false)
      }
    },
    [onApplied],
  )
  return { patch, pending, error }
}
