/** What a bench run measures: every server under both body shapes, the COPY ceiling, and overload. */
import type { Shape } from './bodies.ts'
import { SERVERS, type ServerName } from './server-process.ts'

export type Scenario =
  | { readonly kind: 'closed'; readonly name: string; readonly server: ServerName; readonly shape: Shape; readonly connections: number; readonly sseClients?: number }
  | { readonly kind: 'copy-loop'; readonly name: string; readonly server: 'copy-loop'; readonly shape: 'ndjson' }
  | {
      readonly kind: 'overload'
      readonly name: string
      readonly server: 'sluice-copy'
      readonly shape: Shape
      /** The closed-loop scenario whose committed events/s is the peak, measured earlier in the same run. */
      readonly peakFrom: string
      readonly admission: Admission
      readonly load: OverloadLoad
    }

/** SLUICE_ADMISSION of an overload scenario: the controller, and the same without it. */
export const ADMISSIONS = ['adaptive', 'off'] as const
export type Admission = (typeof ADMISSIONS)[number]

/**
 * An open load offers `factor` times the peak's events/s at a fixed arrival rate; a
 * closed one keeps `connections` requests in flight, each sent the moment the last is
 * answered (a greedy client that no refusal slows down).
 */
export type OverloadLoad = { readonly factor: number } | { readonly connections: number }

/**
 * Closed-loop connections per shape. 50 small requests in flight keep a server busy
 * without measuring the kernel's accept queue; 16 NDJSON requests of 100 events are 1600
 * events in flight, enough to fill Sluice's batches.
 */
export const CONNECTIONS: Record<Shape, number> = { single: 50, ndjson: 16 }

/** The peaks the overload scenarios are multiples of: Sluice with COPY in its closed loop. */
export const PEAK_SCENARIO: Record<Shape, string> = { single: 'single/sluice-copy', ndjson: 'ndjson/sluice-copy' }
/**
 * Overload, each with admission on and off: single events at 2x and 4x the single peak
 * (past the CPU's knee: Sluice's own CPU is the limit), NDJSON at 3x its peak (the
 * database is the limit, the queue fills), NDJSON from 256 greedy connections.
 */
const OVERLOADS: ReadonlyArray<readonly [label: string, shape: Shape, load: OverloadLoad]> = [
  ['single-2x', 'single', { factor: 2 }],
  ['single-4x', 'single', { factor: 4 }],
  ['ndjson-3x', 'ndjson', { factor: 3 }],
  ['ndjson-256c', 'ndjson', { connections: 256 }],
]
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
    ...OVERLOADS.flatMap(([label, shape, load]) =>
      ADMISSIONS.map((admission): Scenario => ({
        kind: 'overload', name: `overload/${label}-${admission}`, server: 'sluice-copy', shape, peakFrom: PEAK_SCENARIO[shape], admission, load,
      })),
    ),
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
