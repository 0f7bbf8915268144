/**
 * The closed-loop load generator, run as its own process so its CPU is not the server's
 * event loop: autocannon with one fixed body, printing one JSON LoadResult on stdout.
 * Each connection sends as soon as its last answer came, so latency runs from the actual
 * send. Offered rates (the overload scenarios) are generator-load.ts's: autocannon's rate
 * limit sends each second's quota in a burst at the second's start.
 *
 * Latencies are taken from autocannon's per-response times, kept per status, so 429s and
 * 202s are told apart.
 */
import autocannon from 'autocannon'
import { body, type Shape } from './bodies.ts'
import { percentiles, type Percentiles } from './percentiles.ts'
import { cpuCores } from './probe-report.ts'

export interface LoadSpec {
  /** Loopback only: checked here, where the traffic leaves. */
  readonly url: string
  readonly shape: Shape
  readonly connections: number
  readonly durationS: number
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
  /** Cores the load generator itself kept busy: they were not the server's. */
  readonly cpuCores: number
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])

interface Samples {
  readonly all: number[]
  readonly ok: number[]
  readonly tooMany: number[]
}

function record(samples: Samples, status: number, ms: number): void {
  samples.all.push(ms)
  if (status >= 200 && status < 300) samples.ok.push(ms)
  else if (status === 429) samples.tooMany.push(ms)
}

async function load(spec: LoadSpec): Promise<LoadResult> {
  const target = new URL(spec.url)
  if (!LOOPBACK.has(target.hostname)) throw new Error(`refusing to load ${target.hostname}: loopback addresses only`)
  const { contentType, text } = body(spec.shape)
  const cpu = process.cpuUsage()
  const started = performance.now()
  const samples: Samples = { all: [], ok: [], tooMany: [] }
  const instance = autocannon({
    url: spec.url,
    method: 'POST',
    headers: { 'content-type': contentType },
    body: text,
    connections: spec.connections,
    duration: spec.durationS,
    timeout: 10,
  })
  instance.on('response', (_client, status, _bytes, ms) => record(samples, status, ms))
  const result = await instance
  const wallS = (performance.now() - started) / 1000
  const status: Record<string, number> = {}
  for (const [code, { count }] of Object.entries(result.statusCodeStats)) status[code] = Number(count)
  return {
    durationS: Math.round(wallS * 100) / 100,
    responses: samples.all.length,
    requestsPerS: Object.values(result.statusCodeStats).reduce((n, s) => n + Number(s.count), 0) / result.duration,
    status,
    errors: result.errors,
    timeouts: result.timeouts,
    latencyMs: percentiles(samples.all),
    latency2xxMs: percentiles(samples.ok),
    latency429Ms: percentiles(samples.tooMany),
    cpuCores: cpuCores(process.cpuUsage(cpu), wallS * 1000),
  }
}

// The harness imports only the types above; run, this file takes its spec as argv JSON.
const spec = JSON.parse(process.argv[2] ?? '') as LoadSpec
process.stdout.write(`${JSON.stringify(await load(spec))}\n`)
