import type { WriterStrategy } from './ingest.ts'

/** How a request is acknowledged when it does not ask: 202 once queued, or 200 once committed. */
export type AckMode = 'queued' | 'commit'

/** The knobs that can be turned while the server runs (PATCH /api/config). */
export interface LiveConfig {
  queueMaxEvents: number
  queueMaxBytes: number
  batchMaxEvents: number
  batchMaxBytes: number
  flushIntervalMs: number
  maxInflight: number
  maxInflightBytes: number
  maxBodyBytes: number
  writer: WriterStrategy
  ack: AckMode
  /** Added to every database write, to play a slow database. */
  dbLatencyMs: number
}
