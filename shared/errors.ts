/**
 * Every error the HTTP API answers on purpose, in one table: its stable `code` (the JSON
 * `error`), its status, and, for the codes an ingest request can get, the reason it is
 * counted under. 429 and 503 carry Retry-After. Tests and clients match on `code`.
 */
import type { RejectReason } from './ingest.ts'

export interface ErrorSpec {
  readonly status: 400 | 401 | 403 | 404 | 408 | 409 | 413 | 415 | 429 | 500 | 503
  /** Counted under this reason when an ingest request gets it; control routes never count. */
  readonly reason?: RejectReason
}

export const ERRORS = {
  // Ingest
  invalid_event: { status: 400, reason: 'invalid' },
  payload_too_large: { status: 413, reason: 'too_large' },
  request_timeout: { status: 408, reason: 'timeout' },
  unsupported_media_type: { status: 415, reason: 'unsupported' },
  unauthorized: { status: 401, reason: 'unauthorized' },
  queue_full: { status: 429, reason: 'queue_full' },
  overloaded: { status: 429, reason: 'overloaded' },
  unavailable: { status: 503, reason: 'unavailable' },
  // Control
  invalid_config: { status: 400 },
  invalid_spec: { status: 400 },
  invalid_annotation: { status: 400 },
  invalid_load: { status: 400 },
  unknown_preset: { status: 400 },
  forbidden: { status: 403 },
  not_found: { status: 404 },
  burst_running: { status: 409 },
  burst_ended: { status: 409 },
  internal: { status: 500 },
} as const satisfies Record<string, ErrorSpec>

export type ErrorCode = keyof typeof ERRORS

/** Statuses that tell the client to come back later, with Retry-After. */
export const RETRY_STATUSES: ReadonlySet<number> = new Set([429, 503])

/** The JSON body of every error answer. Fields beyond `error` depend on the code. */
export interface ErrorBody {
  error: ErrorCode
  detail?: string
  /** invalid_config, invalid_spec, invalid_load: the offending field; null when the body itself is wrong. */
  field?: string | null
  /** invalid_event, payload_too_large: the event's position in the request. */
  index?: number
  /** payload_too_large: the limit in bytes. */
  limit?: number
  /** request_timeout: how long the body may take. */
  timeout_ms?: number
  /** burst_running: the running burst; burst_ended: the run that has ended. */
  id?: string
  /** unknown_preset: the name asked for. */
  preset?: string | null
}
