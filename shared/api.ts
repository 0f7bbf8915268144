/**
 * Response shapes of the control API, for the server that answers them and the
 * dashboard, CLI and tests that read them. Errors are `ErrorBody` (shared/errors.ts).
 */
import type { BurstPreset, BurstRecord, BurstSummary, LoadChange } from './bursts.ts'
import type { EffectiveConfig } from './config.ts'
import type { Annotation } from './sse.ts'

export type { ErrorBody } from './errors.ts'

/** Caps on what a burst may ask for on this server. */
export interface BurstCaps {
  readonly maxConnections: number
  readonly maxRate: number
  readonly maxDurationMs: number
}

/** GET /api/presets */
export interface PresetsResponse {
  presets: BurstPreset[]
  caps: BurstCaps
}

/** POST /api/bursts (201) and DELETE /api/bursts/:id */
export interface BurstStarted {
  id: string
  summary: BurstSummary
  /** A comparison's id: its later runs start on their own, one after another. */
  group?: string
}

/** PATCH /api/bursts/:id: the change as recorded in the run, and the run's summary with it. */
export interface BurstLoadChanged {
  id: string
  change: LoadChange
  summary: BurstSummary
}

/** GET /api/bursts: newest first. */
export interface BurstList {
  /** The running burst's id, if any. */
  running: string | null
  bursts: BurstSummary[]
}

/** GET /api/bursts/:id */
export type BurstResponse = BurstRecord

/** GET and PATCH /api/config */
export type ConfigResponse = EffectiveConfig

/** POST /api/annotations (201) */
export type AnnotationResponse = Annotation

/** GET /readyz: 200 when ready, 503 with the reason when not. */
export type ReadyResponse = { ready: true } | { ready: false; reason: string }

/** 202 from POST /v1/events; 200 with `committed` under `?wait=commit`. */
export interface IngestResponse {
  accepted: number
  committed?: number
}

/** GET/POST/DELETE /api/session: whether a token is required, and whether this browser holds a session. */
export interface SessionState {
  tokenRequired: boolean
  authenticated: boolean
}
