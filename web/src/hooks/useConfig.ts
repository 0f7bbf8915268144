import { useCallback, useState } from 'react'
import type { EffectiveConfig, LiveConfig } from '../../../shared/config.ts'
import { errorText, sendJson } from '../api.ts'

export interface ConfigControl {
  /** Set PATCH /api/config's answer; the stream's `config` event brings the same to every tab. */
  readonly patch: (change: Partial<LiveConfig>) => Promise<boolean>
  readonly pending: boolean
  readonly error: string | null
}

/** Changes live knobs. The current values come from the stream (hello and `config` events). */
export function useConfig(onApplied?: (config: EffectiveConfig) => void): ConfigControl {
  const [pending, setPending] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const patch = useCallback(
    async (change: Partial<LiveConfig>) => {
      setPending(true)
      try {
        const config = await sendJson<EffectiveConfig>('PATCH', '/api/config', change)
        setError(null)
        onApplied?.(config)
        return true
      } catch (e) {
        setError(errorText(e))
        return false
      } finally {
        setPending(false)
      }
    },
    [onApplied],
  )
  return { patch, pending, error }
}
