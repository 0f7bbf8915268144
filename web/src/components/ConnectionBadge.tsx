import type { Lifecycle } from '../../../shared/metrics.ts'
import type { ConnectionStatus } from '../hooks/useStream.ts'

const LABELS: Record<ConnectionStatus, string> = {
  connecting: 'connecting',
  live: 'live',
  stalled: 'stalled',
  reconnecting: 'reconnecting',
  down: 'server down',
}

const HINTS: Record<ConnectionStatus, string> = {
  connecting: 'Opening the live stream',
  live: 'Receiving a snapshot every tick',
  stalled: 'Connected, but no tick arrived for a while: the server event loop may be blocked',
  reconnecting: 'The stream dropped; retrying and resuming from the last tick received',
  down: 'The server has not answered for several seconds; still retrying',
}

/** The stream's state and, when live, the server's readiness, in one glance. */
export function ConnectionBadge({ status, lifecycle, notReady }: { status: ConnectionStatus; lifecycle: Lifecycle | undefined; notReady: string | null }) {
  const serving = status === 'live' && lifecycle !== undefined && lifecycle !== 'serving'
  const label = serving ? lifecycle : status === 'live' && notReady ? 'live · not ready' : LABELS[status]
  const tone = status === 'live' ? (serving || notReady ? 'warn' : 'ok') : status === 'down' ? 'bad' : 'warn'
  return (
    <span role="status" aria-label="Connection" className={`badge badge-${tone}`} data-status={status} data-lifecycle={lifecycle ?? ''} title={notReady ? `${HINTS[status]}. Not ready: ${notReady}` : HINTS[status]}>
      <span className="badge-dot" aria-hidden="true" />
      {label}
    </span>
  )
}
