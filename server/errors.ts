import { ERRORS, type ErrorBody, type ErrorCode } from '../shared/errors.ts'
import type { RejectReason } from '../shared/ingest.ts'

type Extra = Omit<ErrorBody, 'error'>

/**
 * The one error type the HTTP API answers on purpose: a `code` from shared/errors.ts,
 * which fixes the status and the reason an ingest refusal is counted under, and the
 * rest of the JSON body. Anything else that reaches the handler is a 500.
 */
export class SluiceError extends Error {
  readonly status: (typeof ERRORS)[ErrorCode]['status']
  /** What an ingest refusal counts under; undefined for control-only codes. */
  readonly reason: RejectReason | undefined
  /** Retry-After for this refusal, when it knows better than the pipeline's estimate. */
  readonly retryAfterSeconds: number | undefined

  constructor(
    readonly code: ErrorCode,
    readonly body: Extra = {},
    options?: ErrorOptions & { reason?: RejectReason; retryAfterSeconds?: number },
  ) {
    super(body.detail ? `${code}: ${body.detail}` : code, options)
    this.name = 'SluiceError'
    const spec: { status: SluiceError['status']; reason?: RejectReason } = ERRORS[code]
    this.status = spec.status
    this.reason = options?.reason ?? spec.reason
    this.retryAfterSeconds = options?.retryAfterSeconds
  }

  /** The JSON body as sent. */
  toJSON(): ErrorBody {
    return { error: this.code, ...this.body }
  }
}

export const invalidEvent = (index: number, detail: string, cause?: unknown) => new SluiceError('invalid_event', { index, detail }, { cause })

/** 413 for the body (no index) or for the one event at `index` that is over its limit. */
export const payloadTooLarge = (limit: number, index?: number, detail?: string) =>
  new SluiceError('payload_too_large', index === undefined ? { limit } : { limit, index, detail })

/** The body did not arrive in time, or too slowly: a slow-drip client. */
export const requestTimeout = (timeoutMs: number, detail?: string) =>
  new SluiceError('request_timeout', detail ? { timeout_ms: timeoutMs, detail } : { timeout_ms: timeoutMs })

export const unsupportedMediaType = (detail: string) => new SluiceError('unsupported_media_type', { detail })

export const unauthorized = () => new SluiceError('unauthorized')

export const forbidden = (detail: string) => new SluiceError('forbidden', { detail })

export const queueFull = () => new SluiceError('queue_full')

/** 429 `overloaded`: an inflight cap by default, or `cpu` when admission control refused. */
export const overloaded = (detail: string, reason: RejectReason = 'overloaded') => new SluiceError('overloaded', { detail }, { reason })

export const unavailable = (detail: string, retryAfterSeconds?: number) => new SluiceError('unavailable', { detail }, { retryAfterSeconds })

export const invalidConfig = (field: string | null, detail: string) => new SluiceError('invalid_config', { field, detail })

export const invalidSpec = (field: string | null, detail: string) => new SluiceError('invalid_spec', { field, detail })

export const invalidLoad = (field: string | null, detail: string) => new SluiceError('invalid_load', { field, detail })

export const notFound = () => new SluiceError('not_found')

/** The client went away mid-body: nothing to answer, only to count. */
export class ClientAbortedError extends Error {
  readonly code = 'client_aborted'
  constructor(options?: ErrorOptions) {
    super('client disconnected before the body was complete', options)
    this.name = 'ClientAbortedError'
  }
}
