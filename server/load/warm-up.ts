import type { BurstSpec } from '../../shared/bursts.ts'
import { Cutter } from './cutter.ts'
import type { RawPool } from './raw-client.ts'
import { levelAt } from './shape.ts'

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
 * Opens `count` keep-alive connections in `pool`, each carrying one GET /livez, so each is
 * known to answer before the clock starts. Never rejects; resolves when every one is
 * open, failed, or past the deadline, or once `cancel` is called.
 */
export function openConnections(pool: RawPool, count: number): { opened: Promise<void>; cancel(): void } {
  const cutter = new Cutter()
  const opened = Promise.all(Array.from({ length: count }, () => pool.get('/livez', CONNECT_DEADLINE_MS, cutter))).then(() => undefined)
  return { opened, cancel: () => cutter.cutAll() }
}
