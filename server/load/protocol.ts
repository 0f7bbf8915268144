import type { BurstErrorKind, BurstSpec, BurstWindow, KindTotals, LatencyStats, RequestKind, StatusCounts } from '../../shared/bursts.ts'

/** What the burst runner hands the generator process, in its `start` message. */
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

/** Counts since the burst started, the warm-up left out. */
export interface GeneratorResult {
  /** Time spent sending: the duration, or less when stopped. Includes the warm-up. */
  readonly runMs: number
  /** The first ms of the run kept out of these counts (open bursts only). */
  readonly warmupMs: number
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

/**
 * Messages from the generator process. `clock` comes once, when its connections are open
 * and time 0 of the run begins: epoch ms, read on the same system clock as the server's.
 * `second` comes for every second of the run in order, none skipped, with the CPU the
 * generator itself used in it (cores). A `tick` also counts the requests sent in it (the
 * warm-up included), for the server's counters; `level` answers each `level` from the
 * server with when the new level took over (ms of the run).
 */
export type GeneratorMessage =
  | { readonly type: 'clock'; readonly startedAt: number }
  | { readonly type: 'tick'; readonly window: BurstWindow; readonly sofar: GeneratorResult; readonly sent: number }
  | { readonly type: 'level'; readonly t: number; readonly from: number; readonly to: number }
  | { readonly type: 'second'; readonly window: BurstWindow; readonly cpuCores: number }
  | { readonly type: 'done'; readonly result: GeneratorResult }
  | { readonly type: 'failed'; readonly error: string }

/** From the server: one `start`, then any number of `level` (a new level from now on), then at most a `stop`. */
export type ParentMessage =
  | { readonly type: 'start'; readonly input: GeneratorInput }
  | { readonly type: 'level'; readonly level: number }
  | { readonly type: 'stop' }
