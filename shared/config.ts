import { WRITER_STRATEGIES, type WriterStrategy } from './ingest.ts'

/** How a request is acknowledged when it does not ask: 202 once queued, or 200 once committed. */
export type AckMode = 'queued' | 'commit'

/**
 * Admission on the server's own delay: `adaptive` learns what delay is normal and sheds
 * above it, `static` sheds above fixed limits (fastify's under-pressure), `off` never
 * sheds on CPU (only the caps and the queue refuse).
 */
export const ADMISSION_MODES = ['adaptive', 'static', 'off'] as const
export type AdmissionMode = (typeof ADMISSION_MODES)[number]

/**
 * How a request body is read: `stream` counts bytes as they arrive and refuses the chunk
 * that goes over the limit; `buffer` reads the whole body first and only then checks its
 * size and parses it, as Express's `express.json()` did in the seed's Level 0. `buffer`
 * exists to show what that costs (memory follows payload size, the loop stalls on big
 * bodies), not to be run in production.
 */
export const BODY_READINGS = ['stream', 'buffer'] as const
export type BodyReading = (typeof BODY_READINGS)[number]

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
  admission: AdmissionMode
  bodyReading: BodyReading
  /** Added to every database write, to play a slow database. */
  dbLatencyMs: number
}

const MiB = 1024 * 1024

export type NumericKnob = { [K in keyof LiveConfig]: LiveConfig[K] extends number ? K : never }[keyof LiveConfig]

/** Accepted range of each numeric knob, inclusive, for PATCH /api/config and the dashboard's inputs. */
export const LIVE_KNOB_LIMITS = {
  queueMaxEvents: { min: 1, max: 10_000_000 },
  queueMaxBytes: { min: 1, max: 1024 * MiB },
  batchMaxEvents: { min: 1, max: 1_000_000 },
  batchMaxBytes: { min: 1, max: 256 * MiB },
  flushIntervalMs: { min: 0, max: 60_000 },
  maxInflight: { min: 1, max: 1_000_000 },
  maxInflightBytes: { min: 1, max: 1024 * MiB },
  maxBodyBytes: { min: 1, max: 1024 * MiB },
  dbLatencyMs: { min: 0, max: 60_000 },
} as const satisfies Record<NumericKnob, { min: number; max: number }>

export const ACK_MODES = ['queued', 'commit'] as const satisfies readonly AckMode[]

export type EnumKnob = Exclude<keyof LiveConfig, NumericKnob>

/** Allowed values of each knob that is not a number. */
export const LIVE_KNOB_ENUMS = {
  writer: WRITER_STRATEGIES,
  ack: ACK_MODES,
  admission: ADMISSION_MODES,
  bodyReading: BODY_READINGS,
} as const satisfies { [K in EnumKnob]: readonly LiveConfig[K][] }

/** Settings fixed at start (environment), shown beside the knobs. */
export interface FixedSettings {
  database: 'embedded' | 'external'
  /** Whether SLUICE_TOKEN is set (the token itself is never sent). */
  tokenRequired: boolean
  maxEventBytes: number
  maxEventDepth: number
  /** Queue fill (0..1) above which /readyz reports not ready. */
  queueHighWatermark: number
  tickMs: number
  historySeconds: number
  sseMaxClients: number
  drainTimeoutMs: number
  dbPoolSize: number
  /** SLUICE_DURABILITY: whether a 202 waits for the spool's fdatasync. */
  durability: 'memory' | 'spool'
  /** The server's process id: what `kill -9` takes in the crash lesson. */
  pid: number
}

/** GET /api/config, and what PATCH /api/config answers. */
export interface EffectiveConfig {
  live: LiveConfig
  fixed: FixedSettings
}

/** The 400 body of a PATCH /api/config that was refused; nothing was changed. */
export interface InvalidConfigBody {
  error: 'invalid_config'
  /** The offending field, or null when the body itself is not a JSON object. */
  field: string | null
  detail: string
}
