/** What a bench run measures: every server under both body shapes, the COPY ceiling, and overload. */
import type { Shape } from './bodies.ts'
import { SERVERS, type ServerName } from './server-process.ts'

export type Scenario =
  | { readonly kind: 'closed'; readonly name: string; readonly server: ServerName; readonly shape: Shape; readonly connections: number; readonly sseClients?: number }
  | { readonly kind: 'copy-loop'; readonly name: string; readonly server: 'copy-loop'; readonly shape: 'ndjson' }
  | { readonly kind: 'overload'; readonly name: string; readonly server: 'sluice-copy'; readonly shape: 'ndjson'; readonly peakFrom: string; readonly factor: number }

/**
 * Closed-loop connections per shape. 50 small requests in flight keep a server busy
 * without measuring the kernel's accept queue; 16 NDJSON requests of 100 events are 1600
 * events in flight, enough to fill Sluice's batches.
 */
export const CONNECTIONS: Record<Shape, number> = { single: 50, ndjson: 16 }

export const PEAK_SCENARIO = 'ndjson/sluice-copy'
export const OVERLOAD_FACTOR = 3
/** Dashboards watching: stream clients at the default 4 ticks a second. */
export const SSE_CLIENTS = 10

export function allScenarios(): Scenario[] {
  const closed = (shape: Shape): Scenario[] =>
    SERVERS.map((server) => ({ kind: 'closed', name: `${shape}/${server}`, server, shape, connections: CONNECTIONS[shape] }))
  return [
    ...closed('single'),
    ...closed('ndjson'),
    ...(['single', 'ndjson'] as const).map((shape): Scenario => ({
      kind: 'closed', name: `${shape}/sluice-copy+${SSE_CLIENTS}sse`, server: 'sluice-copy', shape, connections: CONNECTIONS[shape], sseClients: SSE_CLIENTS,
    })),
    { kind: 'copy-loop', name: 'ndjson/copy-loop', server: 'copy-loop', shape: 'ndjson' },
    { kind: 'overload', name: 'overload/sluice-copy', server: 'sluice-copy', shape: 'ndjson', peakFrom: PEAK_SCENARIO, factor: OVERLOAD_FACTOR },
  ]
}

/**
 * The scenarios whose name contains one of `filters` (all when none), plus what they need:
 * overload needs the peak it is offered a multiple of.
 */
export function selectScenarios(filters: readonly string[]): Scenario[] {
  const all = allScenarios()
  if (filters.length === 0) return all
  const wanted = new Set(all.filter((s) => filters.some((f) => s.name.includes(f))).map((s) => s.name))
  for (const s of all) if (s.kind === 'overload' && wanted.has(s.name)) wanted.add(s.peakFrom)
  return all.filter((s) => wanted.has(s.name))
}
