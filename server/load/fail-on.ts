import type { BurstSummary } from '../../shared/bursts.ts'

/** A `--fail-on` threshold such as `p99>50ms`, `errors>0`, `429>=1`, `5xx>0`, `rate<1000`. */
export interface Threshold {
  readonly text: string
  readonly metric: string
  readonly op: Op
  readonly value: number
}

type Op = '>' | '>=' | '<' | '<=' | '==' | '!='

export class ThresholdError extends Error {
  readonly code = 'invalid_threshold'
}

const UNITS: Record<string, number> = { '': 1, us: 0.001, ms: 1, s: 1_000, b: 1, kb: 1e3, mb: 1e6, gb: 1e9, '/s': 1 }

const sumStatuses = (summary: BurstSummary, match: (status: number) => boolean) =>
  Object.entries(summary.statuses).reduce((n, [status, count]) => n + (match(Number(status)) ? count : 0), 0)

/** Each metric read from a summary: latency in ms, sizes in bytes, rates per second. */
const METRICS: Record<string, (s: BurstSummary) => number> = {
  p50: (s) => s.latency.p50,
  p90: (s) => s.latency.p90,
  p99: (s) => s.latency.p99,
  max: (s) => s.latency.max,
  errors: (s) => Object.values(s.errors).reduce((n, c) => n + (c ?? 0), 0),
  rejected: (s) => sumStatuses(s, (status) => status < 200 || status >= 300),
  late: (s) => s.requests.late,
  skipped: (s) => s.requests.skipped,
  rate: (s) => s.rates.achieved,
  ok_rate: (s) => s.rates.ok,
  lag: (s) => s.server.maxLoopDelayMs,
  rss: (s) => s.server.peakRssBytes,
}

const PATTERN = /^\s*([a-z_0-9]+)\s*(>=|<=|==|!=|>|<|=)\s*(-?\d+(?:\.\d+)?)\s*(us|ms|s|b|kb|mb|gb|\/s)?\s*$/i

export const THRESHOLD_METRICS = [...Object.keys(METRICS), '<status>', '<class>xx']

export function parseThreshold(text: string): Threshold {
  const match = PATTERN.exec(text)
  if (!match) throw new ThresholdError(`"${text}": expected <metric><op><number>[unit], like p99>50ms or errors>0`)
  const [, rawMetric = '', rawOp = '', number = '', unit = ''] = match
  const metric = rawMetric.toLowerCase()
  if (!(metric in METRICS) && !/^[1-5](\d\d|xx)$/.test(metric)) throw new ThresholdError(`"${text}": unknown metric ${metric}; one of ${THRESHOLD_METRICS.join(', ')}`)
  return { text, metric, op: rawOp === '=' ? '==' : (rawOp as Op), value: Number(number) * UNITS[unit.toLowerCase()]! }
}

function read(metric: string, summary: BurstSummary): number {
  const known = METRICS[metric]
  if (known) return known(summary)
  if (metric.endsWith('xx')) {
    const hundred = Number(metric[0]) * 100
    return sumStatuses(summary, (status) => status >= hundred && status < hundred + 100)
  }
  return summary.statuses[metric] ?? 0
}

const compare: Record<Op, (a: number, b: number) => boolean> = {
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
}

/** Whether the threshold is crossed (the run fails), and the figure it was judged on. */
export function judge(threshold: Threshold, summary: BurstSummary): { failed: boolean; actual: number } {
  const actual = read(threshold.metric, summary)
  return { failed: compare[threshold.op](actual, threshold.value), actual }
}
