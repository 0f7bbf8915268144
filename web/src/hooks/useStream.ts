import { useEffect, useState } from 'react'
import { STREAM_PATH, type SseData, type SseEventName } from '../../../shared/sse.ts'
import { StreamStore } from '../lib/stream-store.ts'

/**
 * live: ticks arriving. stalled: connected, but no tick for a while (the server's event
 * loop is blocked). reconnecting: the connection dropped and is being retried.
 * down: no server for longer than DOWN_AFTER_MS.
 */
export type ConnectionStatus = 'connecting' | 'live' | 'stalled' | 'reconnecting' | 'down'

const DOWN_AFTER_MS = 5_000
const STALLED_AFTER_TICKS = 8
const WATCHDOG_MS = 500
const RETRY_MIN_MS = 500
const RETRY_MAX_MS = 5_000

export interface Stream {
  readonly store: StreamStore
  readonly version: number
  readonly status: ConnectionStatus
}

type Handlers = { [E in SseEventName]: (data: SseData<E>) => void }

/**
 * Subscribes to /api/stream for the component's lifetime. Events mutate one StreamStore;
 * React hears of them once per animation frame, so a tick is one state update however
 * many events it brought.
 */
export function useStream(): Stream {
  const [store] = useState(() => new StreamStore())
  const [version, setVersion] = useState(0)
  const [status, setStatus] = useState<ConnectionStatus>('connecting')

  useEffect(() => {
    let source: EventSource | undefined
    let frame = 0
    let retryTimer: ReturnType<typeof setTimeout> | undefined
    let retryMs = RETRY_MIN_MS
    let lastMessageAt = performance.now()
    let droppedAt: number | null = null
    let open = false
    let closed = false

    const publish = () => {
      frame = 0
      setVersion(store.version)
    }
    const changed = () => {
      lastMessageAt = performance.now()
      if (!frame) frame = requestAnimationFrame(publish)
    }
    const handlers: Handlers = {
      hello: (data) => store.hello(data),
      metrics: (data) => store.metrics(data),
      config: (data) => store.configChange(data),
      burst: (data) => store.burst(data),
      annotation: (data) => store.annotation(data),
    }

    const connect = () => {
      // EventSource resends Last-Event-ID itself when it retries, and the server then sends
      // only the missed ticks. After the browser gives up (a 503, say) a new EventSource
      // gets the whole history again, which the store merges without a gap.
      const es = new EventSource(STREAM_PATH)
      source = es
      for (const name of Object.keys(handlers) as SseEventName[]) {
        es.addEventListener(name, (event) => {
          ;(handlers[name] as (data: unknown) => void)(JSON.parse((event as MessageEvent<string>).data))
          changed()
        })
      }
      es.onopen = () => {
        open = true
        droppedAt = null
        retryMs = RETRY_MIN_MS
        lastMessageAt = performance.now()
        setStatus('live')
      }
      es.onerror = () => {
        open = false
        droppedAt ??= performance.now()
        setStatus(performance.now() - droppedAt > DOWN_AFTER_MS ? 'down' : 'reconnecting')
        if (es.readyState === EventSource.CLOSED && !closed) {
          retryTimer = setTimeout(connect, retryMs)
          retryMs = Math.min(RETRY_MAX_MS, retryMs * 2)
        }
      }
    }

    // Notices what no event tells: a silent server, or a retry that has gone on too long.
    const watchdog = setInterval(() => {
      const now = performance.now()
      if (droppedAt !== null) {
        if (now - droppedAt > DOWN_AFTER_MS) setStatus('down')
        return
      }
      const tickMs = store.config?.fixed.tickMs ?? 250
      if (open) setStatus(now - lastMessageAt > Math.max(2_000, STALLED_AFTER_TICKS * tickMs) ? 'stalled' : 'live')
    }, WATCHDOG_MS)

    connect()
    return function cleanup() {
      closed = true
      source?.close()
      clearTimeout(retryTimer)
      clearInterval(watchdog)
      if (frame) cancelAnimationFrame(frame)
    }
  }, [store])

  return { store, version, status }
}
