import type { ErrorCode, RejectReason } from '../shared/ingest.ts'

/**
 * An error the ingest API answers on purpose: a stable `code` (the JSON `error`), an
 * HTTP status, the reason it is counted under, and whatever else the body carries.
 */
export class IngestError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly status: 400 | 401 | 408 | 413 | 415 | 429 | 500 | 503,
    readonly reason: RejectReason,
    readonly body: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(code, options)
    this.name = 'IngestError'
  }
}

export const invalidEvent = (index: number, detail: string, cause?: unknown) =>
  new IngestError('invalid_event', 400, 'invalid', { index, detail }, { cause })

/** 413 for the body (no index) or for the one event at `index` that is over its limit. */
export const payloadTooLarge = (limit: number, index?: number, detail?: string) =>
  new IngestError('payload_too_large', 413, 'too_large', index === undefined ? { limit } : { limit, index, detail })

/** The body did not arrive within the deadline: a slow-drip client. */
export const requestTimeout = (timeoutMs: number) =>
  new IngestError('request_timeout', 408, 'timeout', { timeout_ms: timeoutMs })

export const unsupportedMediaType = (detail: string) =>
  new IngestError('unsupported_media_type', 415, 'unsupported', { detail })

export const unauthorized = () => new IngestError('unauthorized', 401, 'unauthorized')

export const queueFull = () => new IngestError('queue_full', 429, 'queue_full')

export const overloaded = (detail: string) => new IngestError('overloaded', 429, 'overloaded', { detail })

export const unavailable = (detail: string) => new IngestError('unavailable', 503, 'unavailable', { detail })

/** The client went away mid-body: nothing to answer, only to count. */
export class ClientAbortedError extends Error {
  readonly code = 'client_aborted'
  constructor(options?: ErrorOptions) {
    super('client disconnected before the body was complete', options)
    this.name = 'ClientAbortedError'
  }
}
