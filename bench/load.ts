/**
 * The load generator, run as its own process so its CPU is not the server's event loop:
 * autocannon with one fixed body, printing one JSON LoadResult on stdout.
 *
 * Latencies are taken from autocannon's per-response times, not its histogram: with
 * `overallRate` its coordinated-omission correction assumes a `ceil(1/rate)` ms interval
 * (docs/stack-notes.md, "autocannon 9") and would invent samples; and keeping them per
 * status lets the overload scenario say how fast its 429s were answered, apart from its 202s.
 */
import autocannon from 'autocannon'
import { setTimeout as sleep } from 'node:timers/promises'
import { body, type Shape } from './bodies.ts'
import { percentiles, type Percentiles } from './percentiles.ts'
import { cpuCores } from './probe-report.ts'

export interface LoadSpec {
  /** Loopback only: checked here, where the traffic leaves. */
  readonly url: string
  readonly shape: Shape
  readonly connections: number
  readonly durationS: number
  /** Requests per second over all connections; unset = closed loop, as fast as answered. */
  readonly overallRate?: number
}

export interface LoadResult {
  /** Wall time from the first request to the last answer. */
  readonly durationS: number
  readonly responses: number
  readonly requestsPerS: number
  readonly status: Record<string, number>
  /** Connection errors and timeouts: requests that got no answer at all. */
  readonly errors: number
  readonly timeouts: number
  readonly latencyMs: Percentiles | null
  readonly latency2xxMs: Percentiles | null
  readonly latency429Ms: Percentiles | null
  /**
   * The same, for requests sent STEADY_AFTER_S or later: an overload run starts with an
   * empty queue that takes full-cost requests until it fills, and that transient would
   * otherwise be all the p99 says.
   */
  readonly steady2xxMs: Percentiles | null
  readonly steady429Ms: Percentiles | null
  /** Cores the load generator itself kept busy: they were not the server's. */
  readonly cpuCores: number
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])
/**
 * autocannon's rate limit lets each connection send its whole quota at the start of each
 * second, and every connection's second starts together: at 3000 req/s, 3000 requests
 * land at once, then nothing. A rated run is therefore split over this many instances
 * started 1/STAGGER s apart, so the bursts come ten times a second, a tenth the size.
 */
const STAGGER = 10
const STEADY_AFTER_S = 2

interface Samples {
  readonly started: number
  readonly all: number[]
  readonly ok: number[]
  readonly tooMany: number[]
  readonly steadyOk: number[]
  readonly steadyTooMany: number[]
}

function record(samples: Samples, status: number, ms: number): void {
  samples.all.push(ms)
  const steady = performance.now() - ms - samples.started >= STEADY_AFTER_S * 1000
  if (status >= 200 && status < 300) {
    samples.ok.push(ms)
    if (steady) samples.steadyOk.push(ms)
  } else if (status === 429) {
    samples.tooMany.push(ms)
    if (steady) samples.steadyTooMany.push(ms)
  }
}

function run(spec: LoadSpec, connections: number, rate: number | undefined, samples: Samples) {
  const { contentType, text } = body(spec.shape)
  const instance = autocannon({
    url: spec.url,
    method: 'POST',
    headers: { 'content-type': contentType },
    body: text,
    connections,
    duration: spec.durationS,
    timeout: 10,
    ...(rate ? { overallRate: rate, ignoreCoordinatedOmission: true } : {}),
  })
  instance.on('response', (_client, status, _bytes, ms) => record(samples, status, ms))
  return instance
}

async function load(spec: LoadSpec): Promise<LoadResult> {
  const target = new URL(spec.url)
  if (!LOOPBACK.has(target.hostname)) throw new Error(`refusing to load ${target.hostname}: loopback addresses only`)
  const instances = spec.overallRate ? Math.min(STAGGER, spec.connections) : 1
  const cpu = process.cpuUsage()
  const started = performance.now()
  const samples: Samples = { started, all: [], ok: [], tooMany: [], steadyOk: [], steadyTooMany: [] }
  const runs = Array.from({ length: instances }, async (_, i) => {
    await sleep((i * 1000) / instances)
    // Spread connections and rate evenly; the first instances take the remainders.
    const share = (total: number) => Math.floor(total / instances) + (i < total % instances ? 1 : 0)
    return await run(spec, share(spec.connections), spec.overallRate && share(spec.overallRate), samples)
  })
  const results = await Promise.all(runs)
  const wallS = (performance.now() - started) / 1000
  const status: Record<string, number> = {}
  for (const result of results) {
    for (const [code, { count }] of Object.entries(result.statusCodeStats)) status[code] = (status[code] ?? 0) + Number(count)
  }
  return {
    durationS: Math.round(wallS * 100) / 100,
    responses: samples.all.length,
    // Each instance ran durationS; summing their rates does not count the stagger's ramps as idle time.
    requestsPerS: results.reduce((sum, r) => sum + Object.values(r.statusCodeStats).reduce((n, s) => n + Number(s.count), 0) / r.duration, 0),
    status,
    errors: results.reduce((sum, r) => sum + r.errors, 0),
    timeouts: results.reduce((sum, r) => sum + r.timeouts, 0),
    latencyMs: percentiles(samples.all),
    latency2xxMs: percentiles(samples.ok),
    latency429Ms: percentiles(samples.tooMany),
    steady2xxMs: percentiles(samples.steadyOk),
    steady429Ms: percentiles(samples.steadyTooMany),
    cpuCores: cpuCores(process.cpuUsage(cpu), wallS * 1000),
  }
}

// The harness imports only the types above; run, this file takes its spec as argv JSON.
const spec = JSON.parse(process.argv[2] ?? '') as LoadSpec
process.stdout.write(`${JSON.stringify(await load(spec))}\n`)
