/**
 * The live stream, GET /api/stream (Server-Sent Events): event names and payloads, one
 * discriminated union for the server that writes it and the dashboard that reads it.
 *
 * Only `hello` and `metrics` carry an SSE `id`: the tick sequence number. A client that
 * reconnects with Last-Event-ID gets a `hello` whose history holds only the ticks it
 * missed (`since` says from where); the other events carry no id, so they never move
 * the client's resume point.
 */
import type { BurstProgress } from './bursts.ts'
import type { EffectiveConfig, LiveConfig } from './config.ts'
import type { MetricsSnapshot } from './metrics.ts'

export const STREAM_PATH = '/api/stream'

/** A note on the timeline (POST /api/annotations), kept as long as the history. */
export interface Annotation {
  /** Unique per server run, increasing. */
  id: number
  /** Epoch ms. */
  at: number
  /** The last tick before it: it belongs after that tick on a chart. */
  afterSeq: number
  text: string
}

/** Longest annotation text, in characters. */
export const ANNOTATION_MAX_CHARS = 2_000

export interface Hello {
  config: EffectiveConfig
  /** Epoch ms when this server started: a different value means another run of the server. */
  startedAt: number
  /**
   * null: `history` is the whole ring and replaces what the client had. A number: the
   * client resumed (Last-Event-ID) and `history` holds only the ticks after that seq.
   */
  since: number | null
  /** Oldest first, at most SLUICE_HISTORY_SECONDS of ticks. */
  history: MetricsSnapshot[]
  /** All recent annotations, oldest first: replaces the client's list. */
  annotations: Annotation[]
  /** Knob changes as long as the history, oldest first: replaces the client's list. */
  knobChanges: KnobChangeRecord[]
}

/** Live knobs changed, by PATCH /api/config or by a burst. */
export interface ConfigChange {
  config: EffectiveConfig
  changed: Array<keyof LiveConfig>
  /** Who changed them: "api", "burst <name>", "burst <name> ended". */
  by: string
  /** Epoch ms. */
  at: number
  /** The changed knobs' values before. */
  from: Partial<LiveConfig>
}

/** A knob change as the server keeps it for the hello, so a reloaded dashboard still marks it. */
export interface KnobChangeRecord {
  /** Epoch ms. */
  at: number
  by: string
  /** Each changed knob before and after. */
  from: Partial<LiveConfig>
  to: Partial<LiveConfig>
}

export type SseEvent =
  | { event: 'hello'; data: Hello }
  | { event: 'metrics'; data: MetricsSnapshot }
  | { event: 'config'; data: ConfigChange }
  | { event: 'burst'; data: BurstProgress }
  | { event: 'annotation'; data: Annotation }

export type SseEventName = SseEvent['event']
export type SseData<E extends SseEventName> = Extract<SseEvent, { event: E }>['data']

export const SSE_EVENT_NAMES = ['hello', 'metrics', 'config', 'burst', 'annotation'] as const satisfies readonly SseEventName[]
