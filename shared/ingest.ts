/** Wire vocabulary of the ingest pipeline, shared by server, dashboard and tests. */

export const WRITER_STRATEGIES = ['copy', 'batch', 'direct'] as const
export type WriterStrategy = (typeof WRITER_STRATEGIES)[number]

/** What made the batcher flush: a full batch (events or bytes), the interval, or shutdown. */
export const FLUSH_TRIGGERS = ['size', 'bytes', 'interval', 'drain'] as const
export type FlushTrigger = (typeof FLUSH_TRIGGERS)[number]

/** Stable `error` codes of the ingest API's JSON error bodies. */
export const ERROR_CODES = [
  'invalid_event',
  'payload_too_large',
  'request_timeout',
  'unsupported_media_type',
  'unauthorized',
  'queue_full',
  'overloaded',
  'unavailable',
  'internal',
] as const
export type ErrorCode = (typeof ERROR_CODES)[number]

/** Why an ingest request was refused or lost, as counted by the server. */
export const REJECT_REASONS = [
  'invalid',
  'too_large',
  'timeout',
  'unsupported',
  'unauthorized',
  'queue_full',
  'overloaded',
  'unavailable',
  'client_aborted',
] as const
export type RejectReason = (typeof REJECT_REASONS)[number]

export type WriterState = 'idle' | 'writing' | 'retrying' | 'stopped'
