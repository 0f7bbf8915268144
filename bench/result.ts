/** The shape of `bench/results/latest.json`. */
import type { LatencyStats } from '../shared/bursts.ts'
import type { CpuDetail } from './cpu.ts'
import type { Percentiles } from './percentiles.ts'
import type { Admission } from './scenarios.ts'
import type { ServerLatency } from './server-metrics.ts'
import type { SpoolFigures } from './spool-figures.ts'

/** An overload scenario's own figures (detail.overload). Client latencies run from the intended send time. */
export interface OverloadFigures {
  readonly admission: Admission
  /** open: a fixed arrival rate; closed: greedy connections, each sending when answered. */
  readonly model: 'open' | 'closed'
  readonly peak_from: string
  /** The peak scenario's committed events/s in this run. */
  readonly peak_events_per_s: number
  /** The arrival rate asked of the generator (open only). */
  readonly asked_requests_per_s: number | null
  /** What the generator scheduled and what it managed to send, per second. */
  readonly offered_requests_per_s: number
  readonly sent_requests_per_s: number
  readonly intended: number
  readonly sent: number
  /** Sent over 10 ms after the intended time; skipped: over 1 s behind, never sent. */
  readonly late: number
  readonly skipped: number
  /** Over 1% late or skipped: the generator did not offer the rate asked. */
  readonly generator_saturated: boolean
  readonly generator_cores_max_second: number
  readonly committed_vs_peak: number | null
  readonly client_accepted_ms: LatencyStats
  readonly client_refused_ms: LatencyStats
  /** From the server's request histogram, bucket-interpolated (0.5 ms to 10 s in 1-2-5 steps). */
  readonly server_accepted_ms: ServerLatency
  readonly server_refused_ms: ServerLatency
  /** The server's event-loop delay from the window's start to the load's end (beyond the probe's 10 ms interval). */
  readonly loop_delay_p99_ms: number | null
  readonly loop_delay_max_ms: number | null
  /** The server's refusals over the window by reason (cpu, queue_full, overloaded...). */
  readonly rejected_by_reason: Readonly<Record<string, number>>
}

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
  readonly overload?: OverloadFigures
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
  /** Beyond the table's columns: status codes, drain time, CPU, overload figures... */
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
