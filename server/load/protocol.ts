import type { BurstErrorKind, BurstSpec, BurstWindow, KindTotals, LatencyStats, RequestKind, StatusCounts } from '../../shared/bursts.ts'

/** What the burst runner hands the generator thread. */
export interface GeneratorInput {
  readonly spec: BurstSpec
  /** This server's own loopback address: never one taken from a request. */
  readonly host: string
  readonly port: number
  readonly token: string | undefined
  /** Open bursts never hold more requests in flight than this; closed ones are capped by validation. */
  readonly maxConnections: number
  readonly tickMs: number
}

/** Counts since the burst started. */
export interface GeneratorResult {
  /** Time spent sending: the duration, or less when stopped. */
  readonly runMs: number
  readonly intended: number
  readonly sent: number
  readonly answered: number
  readonly ok: number
  readonly late: number
  readonly skipped: number
  readonly statuses: StatusCounts
  readonly errors: Readonly<Partial<Record<BurstErrorKind, number>>>
  readonly byKind: Readonly<Partial<Record<RequestKind, KindTotals>>>
  readonly latency: LatencyStats
  /** The server's own `accepted` counts from 2xx answers. */
  readonly eventsAccepted: number
}

/** Messages from the generator thread; the parent answers only with `{ type: 'stop' }`. */
export type GeneratorMessage =
  | { readonly type: 'tick'; readonly window: BurstWindow; readonly sofar: GeneratorResult }
  | { readonly type: 'second'; readonly window: BurstWindow }
  | { readonly type: 'done'; readonly result: GeneratorResult }
  | { readonly type: 'failed'; readonly error: string }

export type ParentMessage = { readonly type: 'stop' }
