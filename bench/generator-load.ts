/**
 * The overload scenarios' load process: Sluice's own burst generator (server/load) with
 * the bench's bodies, printing one JSON GeneratorLoadResult on stdout.
 *
 * Open model (`rate`): arrivals on a fixed schedule that never waits for answers, with
 * connections opened before the clock starts, and latency measured from each request's
 * intended send time, so a server that stalls is charged for the requests it held up
 * (no coordinated omission). Sends that leave late, or are skipped after 1 s, are counted:
 * on a 2-core machine the generator itself runs out of CPU before Sluice does, and the
 * figures must say so. Closed model (`connections`): each connection sends as soon as its
 * last answer came (the greedy client); latency then runs from the actual send.
 */
import { SATURATED_SHARE, type BurstSpec, type LatencyStats } from '../shared/bursts.ts'
import { startGenerator } from '../server/load/generator.ts'
import type { GeneratorMessage } from '../server/load/protocol.ts'
import { body, type Shape } from './bodies.ts'
import { cpuCores } from './probe-report.ts'

export type GeneratorLoadSpec = {
  /** Loopback only: checked here, where the traffic leaves. */
  readonly url: string
  readonly shape: Shape
  readonly durationS: number
} & ({ readonly rate: number; readonly maxConnections: number } | { readonly connections: number })

export interface GeneratorLoadResult {
  readonly model: 'open' | 'closed'
  /** From the clock's start to the last answer (or the generator's end grace). */
  readonly durationS: number
  /** Requests the schedule asked for (open) or that were started (closed). */
  readonly intended: number
  readonly sent: number
  /** Sent more than 10 ms after their intended time. */
  readonly late: number
  /** Never sent: over 1 s behind, or still waiting for a connection at the end. */
  readonly skipped: number
  readonly answered: number
  readonly ok: number
  readonly offeredPerS: number
  readonly sentPerS: number
  readonly statuses: Record<string, number>
  readonly errors: Record<string, number>
  /** From the intended send time (open); 2xx apart from 429/503. */
  readonly acceptedMs: LatencyStats
  readonly refusedMs: LatencyStats
  /** More than 1% of the intended sends were late or skipped: the rate asked was not offered. */
  readonly saturated: boolean
  /** Cores this process kept busy over the run, and in its busiest second. */
  readonly cpuCores: number
  readonly cpuMaxCores: number
}

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '[::1]'])
// One window a second is all this process reports; the generator's ticks are for dashboards.
const TICK_MS = 1_000

function burstSpec(spec: GeneratorLoadSpec): BurstSpec {
  const { events } = body(spec.shape)
  return {
    model: 'rate' in spec ? 'open' : 'closed',
    shape: { kind: 'steady', level: 'rate' in spec ? spec.rate : spec.connections },
    durationMs: spec.durationS * 1_000,
    // Describes the bench's body for validation's sake; the body sent is the bench's own.
    body: { eventsPerRequest: events, eventBytes: 200, format: spec.shape === 'single' ? 'json' : 'ndjson' },
  }
}

async function load(spec: GeneratorLoadSpec): Promise<GeneratorLoadResult> {
  const target = new URL(spec.url)
  if (!LOOPBACK.has(target.hostname)) throw new Error(`refusing to load ${target.hostname}: loopback addresses only`)
  const burst = burstSpec(spec)
  const { contentType, text } = body(spec.shape)
  let clockAt: number | undefined
  let cpuAt = process.cpuUsage()
  let cpuMaxCores = 0
  const report = (message: GeneratorMessage) => {
    if (message.type === 'clock') {
      clockAt = performance.now()
      cpuAt = process.cpuUsage()
    } else if (message.type === 'second') cpuMaxCores = Math.max(cpuMaxCores, message.cpuCores)
  }
  const generator = startGenerator(
    {
      spec: burst,
      host: target.hostname.replace(/^\[|\]$/g, ''),
      port: Number(target.port),
      token: undefined,
      maxConnections: 'rate' in spec ? spec.maxConnections : spec.connections,
      tickMs: TICK_MS,
    },
    report,
    // The harness warmed the server up with a closed loop already: every second counts.
    { normalBody: { contentType, bytes: Buffer.from(text) }, warmupMs: 0 },
  )
  const result = await generator.done
  const wallMs = performance.now() - (clockAt ?? performance.now())
  const { accepted, refused } = generator.latencyByClass()
  const runS = result.runMs / 1_000
  const perS = (n: number) => (runS > 0 ? Math.round(n / runS) : 0)
  return {
    model: burst.model,
    durationS: Math.round(wallMs) / 1_000,
    intended: result.intended,
    sent: result.sent,
    late: result.late,
    skipped: result.skipped,
    answered: result.answered,
    ok: result.ok,
    offeredPerS: perS(result.intended),
    sentPerS: perS(result.sent),
    statuses: { ...result.statuses },
    errors: { ...result.errors },
    acceptedMs: accepted,
    refusedMs: refused,
    saturated: result.intended > 0 && (result.late + result.skipped) / result.intended > SATURATED_SHARE,
    cpuCores: cpuCores(process.cpuUsage(cpuAt), wallMs),
    cpuMaxCores,
  }
}

// The harness imports only the types above; run, this file takes its spec as argv JSON.
const spec = JSON.parse(process.argv[2] ?? '') as GeneratorLoadSpec
process.stdout.write(`${JSON.stringify(await load(spec))}\n`)
// The generator's connection pool and timers are gone; anything left (a socket the server has not
// closed yet) must not keep a finished load process alive.
process.exit(0)
