/**
 * What a Sluice server counts about itself over the measured window, read from its
 * /metrics at both ends: request time by outcome (histogram buckets since start, so the
 * difference is the window's distribution) and refusals by reason.
 */
import { bucketDelta, bucketQuantile, type BucketCounts } from './bucket-quantile.ts'

const HISTOGRAM = 'sluice_request_duration_seconds_histogram'
const REJECTED = 'sluice_events_rejected_total'
const OUTCOMES = ['accepted', 'refused'] as const
type Outcome = (typeof OUTCOMES)[number]

export interface ServerReading {
  readonly requestSeconds: Readonly<Record<Outcome, BucketCounts>>
  readonly rejected: Readonly<Record<string, number>>
}

/** Server-side request time over the window, in ms, from bucket interpolation. */
export interface ServerLatency {
  readonly count: number
  readonly p50: number | null
  readonly p99: number | null
  /** The p99 fell in the +Inf bucket: the true value is above the p99 given (10 s). */
  readonly p99_beyond_last_bucket: boolean
}

export interface ServerFigures {
  readonly accepted: ServerLatency
  readonly refused: ServerLatency
  /** Refused ingest requests over the window, by the server's reason. */
  readonly rejectedByReason: Readonly<Record<string, number>>
}

export interface Line {
  readonly name: string
  readonly labels: Readonly<Record<string, string>>
  readonly value: number
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g

/** Every sample of an exposition, labels parsed (each process's series carry `instance`). */
export function* samples(text: string): Generator<Line> {
  for (const line of text.split('\n')) {
    const match = SAMPLE.exec(line)
    if (!match) continue
    const labels: Record<string, string> = {}
    for (const [, key, value] of (match[2] ?? '').matchAll(LABEL)) labels[key!] = value!
    yield { name: match[1]!, labels, value: Number(match[3]) }
  }
}

/** Pulls the two families out of an exposition; throws when the histogram is missing. */
export function parseServerReading(text: string): ServerReading {
  const buckets: Record<Outcome, Array<[le: number, count: number]>> = { accepted: [], refused: [] }
  const rejected: Record<string, number> = {}
  for (const { name, labels, value } of samples(text)) {
    if (name === `${HISTOGRAM}_bucket` && (OUTCOMES as readonly string[]).includes(labels.outcome ?? '')) {
      buckets[labels.outcome as Outcome].push([labels.le === '+Inf' ? Infinity : Number(labels.le), value])
    } else if (name === REJECTED && labels.reason) rejected[labels.reason] = value
  }
  const counts = (outcome: Outcome): BucketCounts => {
    const sorted = buckets[outcome].sort(([a], [b]) => a - b)
    if (sorted.at(-1)?.[0] !== Infinity) throw new Error(`${HISTOGRAM}{outcome="${outcome}"} not in /metrics`)
    return { bounds: sorted.slice(0, -1).map(([le]) => le), cumulative: sorted.map(([, n]) => n) }
  }
  return { requestSeconds: { accepted: counts('accepted'), refused: counts('refused') }, rejected }
}

export async function readServer(url: string): Promise<ServerReading> {
  const response = await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) })
  if (!response.ok) throw new Error(`GET ${url}/metrics: ${response.status}`)
  return parseServerReading(await response.text())
}

function latency(counts: BucketCounts): ServerLatency {
  const ms = (seconds: number | undefined) => (seconds === undefined ? null : Math.round(seconds * 1e6) / 1e3)
  const p99 = bucketQuantile(counts, 0.99)
  return {
    count: counts.cumulative.at(-1) ?? 0,
    p50: ms(bucketQuantile(counts, 0.5)?.value),
    p99: ms(p99?.value),
    p99_beyond_last_bucket: p99?.beyondLast ?? false,
  }
}

export function serverFigures(from: ServerReading, to: ServerReading): ServerFigures {
  const rejectedByReason: Record<string, number> = {}
  for (const [reason, n] of Object.entries(to.rejected)) {
    const delta = n - (from.rejected[reason] ?? 0)
    if (delta > 0) rejectedByReason[reason] = delta
  }
  return {
    accepted: latency(bucketDelta(from.requestSeconds.accepted, to.requestSeconds.accepted)),
    refused: latency(bucketDelta(from.requestSeconds.refused, to.requestSeconds.refused)),
    rejectedByReason,
  }
}
