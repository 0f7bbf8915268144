import { request, type Agent } from 'node:http'
import { levelAt } from './shape.ts'
import type { BurstSpec } from '../../shared/bursts.ts'

// Little's law: the connections the opening rate needs if answers take this long. A guess
// on purpose: the run opens more as it needs them, within the warm-up its summary skips.
const WARM_LATENCY_MS = 50
// A connection not open by then is left to the run to open.
const CONNECT_DEADLINE_MS = 5_000

/** How many connections an open burst opens before its clock starts. */
export function warmConnections(spec: BurstSpec, maxConnections: number): number {
  if (spec.model !== 'open') return 0
  const opening = levelAt(spec.shape, 0, spec.durationMs)
  return Math.max(1, Math.min(maxConnections, Math.ceil((opening * WARM_LATENCY_MS) / 1_000)))
}

/**
 * Opens `count` keep-alive connections in `agent`'s pool, each with one GET /livez (an
 * agent only pools a socket that has carried a request). Never rejects; resolves when
 * every one is open, failed, or past the deadline, or once `cancelled` is called.
 */
export function openConnections(agent: Agent, target: { host: string; port: number }, count: number): { opened: Promise<void>; cancel(): void } {
  const requests = new Set<ReturnType<typeof request>>()
  const opened = Promise.all(Array.from({ length: count }, () => new Promise<void>((resolve) => {
    const req = request({ host: target.host, port: target.port, path: '/livez', agent, timeout: CONNECT_DEADLINE_MS })
    requests.add(req)
    const done = () => {
      requests.delete(req)
      resolve()
    }
    req.on('response', (res) => {
      res.resume()
      res.on('end', done)
      res.on('error', done)
    })
    req.on('timeout', () => req.destroy())
    req.on('error', done)
    req.on('close', done)
    req.end()
  }))).then(() => undefined)
  return {
    opened,
    cancel() {
      for (const req of requests) req.destroy()
    },
  }
}
