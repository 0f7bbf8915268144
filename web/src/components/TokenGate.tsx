import { useState, type FormEvent, type ReactNode } from 'react'
import { useSession } from '../hooks/useSession.ts'

/** Renders its children once the server lets this browser in; asks for the token first when one is set. */
export function TokenGate({ children }: { children: ReactNode }) {
  const { status, error, submit } = useSession()
  const [token, setToken] = useState('')
  if (status === 'open') return children
  if (status === 'checking') return null
  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    void submit(token)
  }
  return (
    <main className="token-gate">
      <form onSubmit={onSubmit} aria-label="Sign in">
        <h1>Sluice</h1>
        <p>This server needs its token (SLUICE_TOKEN).</p>
        <label>
          Token <input type="password" autoComplete="current-password" value={token} onChange={(event) => setToken(event.target.value)} autoFocus />
        </label>
        <button type="submit" className="primary" disabled={token === ''}>
          Open the dashboard
        </button>
        {error && <p role="alert">{error}</p>}
      </form>
    </main>
  )
}
