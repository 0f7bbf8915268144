/** The shape of `bench/results/latest.json` (DESIGN.md, "Benchmark output"). */
import type { CpuDetail } from './cpu.ts'
import type { Percentiles } from './percentiles.ts'
import type { SpoolFigures } from './spool-figures.ts'

/** How a row's figures were obtained, and what is behind them. */
export interface ScenarioDetail {
  readonly load_s: number
  readonly cpu: CpuDetail
  readonly connections?: number
  readonly events_per_request?: number
  /** SIGTERM to exit: for Sluice, the drain of its queue. Part of the events/s window. */
  readonly drain_s?: number
  readonly exit_code?: number | null
  readonly status?: Record<string, number>
  /** Requests that got no answer at all (connection errors, timeouts). */
  readonly errors?: number
  readonly timeouts?: number
  readonly committed_in_window?: number | null
  readonly acknowledged_events_incl_warmup?: number
  readonly rows_incl_warmup?: number | null
  readonly latency_2xx_ms?: Percentiles | null
  readonly latency_429_ms?: Percentiles | null
  // overload; steady = requests sent 2 s or more into the load, once the queue is full
  readonly steady_2xx_ms?: Percentiles | null
  readonly steady_429_ms?: Percentiles | null
  readonly peak_events_per_s?: number
  readonly offered_requests_per_s?: number
  readonly offered_events_per_s?: number
  readonly committed_vs_peak?: number | null
  /** sluice-spool: fdatasyncs over the measured window. */
  readonly spool?: SpoolFigures
  // copy loop
  readonly batch_events?: number
  readonly batches?: number
  readonly batch_ms?: Percentiles | null
}

export interface ScenarioRow {
  readonly name: string
  readonly server: string
  /** Rows in the database after the server drained, per second of load plus drain; null when it stores nothing. */
  readonly events_per_s: number | null
  readonly requests_per_s: number | null
  readonly p50_ms: number | null
  readonly p99_ms: number | null
  readonly peak_rss_mb: number | null
  readonly max_loop_delay_ms: number | null
  /** Non-2xx responses in the measured window. */
  readonly rejected: number
  /** Events acknowledged with a 2xx (warm-up included) that are not in the database; null when it stores nothing. */
  readonly lost: number | null
  /** Beyond DESIGN.md's fields: status codes, drain time, offered rate, CPU... */
  readonly detail: ScenarioDetail
}

export interface Ratio {
  readonly value: number | null
  readonly target: number
  readonly met: boolean
  readonly what: string
}

export interface BenchResult {
  readonly machine: Record<string, unknown>
  readonly scenarios: ScenarioRow[]
  readonly ratios: Record<string, Ratio>
}
