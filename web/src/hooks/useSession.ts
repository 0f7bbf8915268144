import { useCallback, useEffect, useState } from 'react'
import type { SessionState } from '../../../shared/api.ts'
import { ApiError, errorText, getJson, sendJson } from '../api.ts'

export type SessionStatus = 'checking' | 'needed' | 'open'

/**
 * Whether the dashboard may talk to the server: asks /api/session once, and opens a
 * session with the token when one is needed. The session is an HttpOnly cookie the
 * browser then sends with every request, the stream's EventSource included.
 */
export function useSession(): { status: SessionStatus; error: string; submit(token: string): Promise<void> } {
  const [status, setStatus] = useState<SessionStatus>('checking')
  const [error, setError] = useState('')

  useEffect(() => {
    const abort = new AbortController()
    getJson<SessionState>('/api/session', abort.signal).then(
      (state) => setStatus(state.authenticated ? 'open' : 'needed'),
      (failure: unknown) => {
        if (abort.signal.aborted) return
        // A server too old to know sessions, or unreachable: let the dashboard show its own state.
        setError(errorText(failure))
        setStatus('open')
      },
    )
    return () => abort.abort()
  }, [])

  const submit = useCallback(async (token: string) => {
    try {
      await sendJson<SessionState>('POST', '/api/session', { token })
      setError('')
      setStatus('open')
    } catch (failure) {
      setError(failure instanceof ApiError && failure.status === 401 ? 'That is not the token.' : errorText(failure))
    }
  }, [])

  return { status, error, submit }
}
