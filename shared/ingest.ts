/** Wire vocabulary of the ingest pipeline, shared by server, dashboard and tests. */

export const WRITER_STRATEGIES = ['copy', 'batch', 'direct'] as const
export type WriterStrategy = (typeof WRITER_STRATEGIES)[number]

/** What made the batcher flush: a full batch (events or bytes), the interval, or shutdown. */
export const FLUSH_TRIGGERS = ['size', 'bytes', 'interval', 'drain'] as const
export type FlushTrigger = (typeof FLUSH_TRIGGERS)[number]

/**
 * Why an ingest request was refused or lost, as counted by the server. `overloaded` is
 * an inflight cap (requests, bytes, a client's share); `cpu` is admission control on the
 * server's own delay (both answer 429 `overloaded`).
 */
export const REJECT_REASONS = [
  'invalid',
  'too_large',
  'timeout',
  'unsupported',
  'unauthorized',
  'queue_full',
  'overloaded',
  'cpu',
  'unavailable',
  'client_aborted',
] as const
export type RejectReason = (typeof REJECT_REASONS)[number]

export type WriterState = 'idle' | 'writing' | 'retrying' | 'stopped'
