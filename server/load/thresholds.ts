import type { BurstSummary } from '../../shared/bursts.ts'
import { bytes, count, ms, rate, share } from '../../shared/format.ts'
import { clientErrors } from '../../shared/run-figures.ts'

/**
 * A threshold on a run's summary. `must-hold` is k6's sense (`--threshold 'p95<50ms'`:
 * the run fails unless it holds); `must-not` is `--fail-on` (the run fails when it holds).
 * A `%` value compares a count as a share of what it is counted out of.
 */
export interface Threshold {
  readonly text: string
  readonly kind: 'must-hold' | 'must-not'
  readonly metric: string
  readonly op: Op
  readonly value: number
  readonly share: boolean
}

type Op = '>' | '>=' | '<' | '<=' | '==' | '!='
type Unit = 'ms' | 'bytes' | 'rate' | 'count'

export class ThresholdError extends Error {
  readonly code = 'invalid_threshold'
}

interface Metric {
  readonly read: (s: BurstSummary) => number
  readonly unit: Unit
  /** What a `%` is a share of. */
  readonly of?: (s: BurstSummary) => number
  readonly doc: string
}

const sumStatuses = (summary: BurstSummary, match: (status: number) => boolean) =>
  Object.entries(summary.statuses).reduce((n, [status, c]) => n + (match(Number(status)) ? c : 0), 0)
const percentile = (key: 'p50' | 'p90' | 'p95' | 'p99' | 'p999') => (s: BurstSummary) => s.latency[key] ?? Number.NaN
const sent = (s: BurstSummary) => s.requests.sent
const answered = (s: BurstSummary) => s.requests.answered
const intended = (s: BurstSummary) => s.requests.intended
const notOk = (status: number) => status < 200 || status >= 300

/** Each metric read from a summary: latency in ms, sizes in bytes, rates per second. */
const METRICS: Record<string, Metric> = {
  p50: { read: percentile('p50'), unit: 'ms', doc: 'latency percentiles' },
  p90: { read: percentile('p90'), unit: 'ms', doc: '' },
  p95: { read: percentile('p95'), unit: 'ms', doc: '' },
  p99: { read: percentile('p99'), unit: 'ms', doc: '' },
  'p99.9': { read: percentile('p999'), unit: 'ms', doc: '' },
  max: { read: (s) => s.latency.max, unit: 'ms', doc: 'slowest answer' },
  errors: { read: clientErrors, unit: 'count', of: sent, doc: 'requests with no answer (% of sent)' },
  rejected: { read: (s) => sumStatuses(s, notOk), unit: 'count', of: answered, doc: 'non-2xx answers (% of answered)' },
  failed: { read: (s) => sumStatuses(s, notOk) + clientErrors(s), unit: 'count', of: sent, doc: "non-2xx or no answer, k6's http_req_failed (% of sent)" },
  late: { read: (s) => s.requests.late, unit: 'count', of: intended, doc: 'sends that left late (% of intended)' },
  skipped: { read: (s) => s.requests.skipped, unit: 'count', of: intended, doc: 'sends skipped (% of intended)' },
  rate: { read: (s) => s.rates.achieved, unit: 'rate', doc: 'answers per second' },
  ok_rate: { read: (s) => s.rates.ok, unit: 'rate', doc: '2xx answers per second' },
  lag: { read: (s) => s.server.maxLoopDelayMs, unit: 'ms', doc: "server's worst event-loop delay" },
  rss: { read: (s) => s.server.peakRssBytes, unit: 'bytes', doc: "server's peak RSS" },
}

const UNITS: Record<string, { unit: Unit; factor: number }> = {
  us: { unit: 'ms', factor: 0.001 },
  ms: { unit: 'ms', factor: 1 },
  s: { unit: 'ms', factor: 1_000 },
  // Binary, as the figures are shown: rss<200mb is judged against the same "MB" the summary prints.
  b: { unit: 'bytes', factor: 1 },
  kb: { unit: 'bytes', factor: 1024 },
  mb: { unit: 'bytes', factor: 1024 ** 2 },
  gb: { unit: 'bytes', factor: 1024 ** 3 },
  '/s': { unit: 'rate', factor: 1 },
}

const PATTERN = /^\s*([a-z_0-9.()]+)\s*(>=|<=|==|!=|>|<|=)\s*(-?\d+(?:\.\d+)?)\s*(us|ms|s|b|kb|mb|gb|\/s|%)?\s*$/i

/** For --help: every metric, with what a `%` is counted out of. */
export const THRESHOLD_METRICS = [...Object.entries(METRICS).map(([name, m]) => (m.doc ? `${name} (${m.doc})` : name)), '<status> e.g. 429 (% of answered)', '<class>xx e.g. 5xx (% of answered)']

function metricOf(name: string): Metric | undefined {
  const known = METRICS[name]
  if (known) return known
  const status = /^([1-5])(\d\d|xx)$/.exec(name)
  if (!status) return undefined
  if (status[2] === 'xx') {
    const hundred = Number(status[1]) * 100
    return { read: (s) => sumStatuses(s, (code) => code >= hundred && code < hundred + 100), unit: 'count', of: answered, doc: '' }
  }
  return { read: (s) => s.statuses[name] ?? 0, unit: 'count', of: answered, doc: '' }
}

export function parseThreshold(text: string, kind: Threshold['kind'] = 'must-not'): Threshold {
  const match = PATTERN.exec(text)
  if (!match) throw new ThresholdError(`"${text}": expected <metric><op><number>[unit], like p95<50ms, failed<1% or rate>=1000`)
  const [, rawMetric = '', rawOp = '', number = '', rawUnit = ''] = match
  // k6 spells percentiles p(95) and p(99.9).
  const metric = rawMetric.toLowerCase().replace(/^p\((\d+(?:\.\d+)?)\)$/, 'p$1')
  const found = metricOf(metric)
  if (!found) throw new ThresholdError(`"${text}": unknown metric ${metric}; one of ${[...Object.keys(METRICS), '<status>', '<class>xx'].join(', ')}`)
  const unit = rawUnit.toLowerCase()
  if (unit === '%') {
    if (!found.of) throw new ThresholdError(`"${text}": ${metric} is not a count, so it has no percentage`)
    return { text, kind, metric, op: rawOp === '=' ? '==' : (rawOp as Op), value: Number(number) / 100, share: true }
  }
  const scale = unit ? UNITS[unit]! : { unit: found.unit, factor: 1 }
  if (scale.unit !== found.unit) throw new ThresholdError(`"${text}": ${metric} is measured in ${found.unit === 'ms' ? 'time (us, ms, s)' : found.unit === 'bytes' ? 'bytes (b, kb, mb, gb)' : found.unit === 'rate' ? 'per second (/s)' : 'a count or a percentage (%)'}`)
  return { text, kind, metric, op: rawOp === '=' ? '==' : (rawOp as Op), value: Number(number) * scale.factor, share: false }
}

const compare: Record<Op, (a: number, b: number) => boolean> = {
  '>': (a, b) => a > b,
  '>=': (a, b) => a >= b,
  '<': (a, b) => a < b,
  '<=': (a, b) => a <= b,
  '==': (a, b) => a === b,
  '!=': (a, b) => a !== b,
}

export interface Verdict {
  readonly failed: boolean
  /** The figure judged: a count, ms, bytes, per second, or a share (0..1) for `%` thresholds. */
  readonly actual: number
  /** The same, for people: "207 MB", "0.4%", "48.2 ms". */
  readonly shown: string
}

/** Whether the run fails on this threshold, and the figure it was judged on. */
export function judge(threshold: Threshold, summary: BurstSummary): Verdict {
  const metric = metricOf(threshold.metric)!
  const raw = metric.read(summary)
  const of = metric.of?.(summary) ?? 0
  const actual = threshold.share ? (of > 0 ? raw / of : 0) : raw
  const holds = compare[threshold.op](actual, threshold.value)
  // A figure the run does not have (p95 of an older server) fails a must-hold, and never trips a must-not.
  const failed = Number.isNaN(actual) ? threshold.kind === 'must-hold' : threshold.kind === 'must-hold' ? !holds : holds
  const shown = Number.isNaN(actual) ? 'not measured' : threshold.share ? `${share(actual)} (${count(raw)} of ${count(of)})` : { ms, bytes, rate, count }[metric.unit](actual)
  return { failed, actual, shown }
}
