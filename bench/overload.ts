/**
 * One overload scenario: Sluice with admission `adaptive` or `off`, offered a multiple of
 * the peak measured earlier in the same run at a fixed arrival rate, or loaded by greedy
 * closed connections, through Sluice's own burst generator. Besides rows and latencies it
 * reads the server's side of the window: request time by outcome and refusals by reason
 * from /metrics, the event-loop delay from the probe.
 */
import { body } from './bodies.ts'
import { cpuDetail, cpuSnapshot, cpuUse, type CpuSnapshot } from './cpu.ts'
import type { GeneratorLoadResult } from './generator-load.ts'
import type { LoadResult } from './load.ts'
import { runGeneratorLoad, runLoad, twoXX } from './load-process.ts'
import type { RunContext } from './measure.ts'
import type { OverloadFigures, ScenarioRow } from './result.ts'
import { CONNECTIONS, type Scenario } from './scenarios.ts'
import { readServer, serverFigures, type ServerReading } from './server-metrics.ts'
import { ServerProcess, type Stopped } from './server-process.ts'

/**
 * The open model never holds more requests in flight than this: room for 40,000 req/s
 * answered within 25 ms (Little's law). Past it, sends wait for a connection and count
 * as late, so a server that holds requests shows as late sends, not as a lower rate.
 */
const OPEN_MAX_CONNECTIONS = 1_000

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits

type OverloadScenario = Extract<Scenario, { kind: 'overload' }>

export async function runOverload(scenario: OverloadScenario, context: RunContext): Promise<ScenarioRow> {
  const { db, durationS, warmupS } = context
  const peak = context.done.get(scenario.peakFrom)?.events_per_s
  if (!peak) throw new Error(`${scenario.name} needs ${scenario.peakFrom} measured first in the same run`)
  const perRequest = body(scenario.shape).events
  const rate = 'factor' in scenario.load ? Math.ceil((scenario.load.factor * peak) / perRequest) : null
  const connections = 'connections' in scenario.load ? scenario.load.connections : OPEN_MAX_CONNECTIONS

  await db.reset()
  const server = await ServerProcess.start(scenario.server, db.url, context.scratchDir, { SLUICE_ADMISSION: scenario.admission })
  let warm: LoadResult
  let load: GeneratorLoadResult
  let baseline: number
  let stopped: Stopped
  let cpuFrom: CpuSnapshot | null = null
  let from: ServerReading
  let to: ServerReading
  try {
    // Warm-up is the closed loop: overload starts from a server in its normal stride.
    warm = await runLoad({ url: `${server.url}/v1/events`, shape: scenario.shape, connections: CONNECTIONS[scenario.shape], durationS: warmupS })
    baseline = await db.settledRows()
    server.markMeasureStart()
    from = await readServer(server.url)
    cpuFrom = cpuSnapshot(db.embedded?.pid)
    load = await runGeneratorLoad({
      url: server.url,
      shape: scenario.shape,
      durationS,
      ...(rate === null ? { connections } : { rate, maxConnections: connections }),
    })
    server.markMeasureEnd()
    to = await readServer(server.url)
  } finally {
    stopped = await server.stop()
  }
  const cpu = cpuUse(cpuFrom, cpuSnapshot(db.embedded?.pid))
  const rows = await db.settledRows()
  const acked = (twoXX(warm) + load.ok) * perRequest
  const committed = rows - baseline
  const windowS = load.durationS + stopped.drainS
  const eventsPerS = round(committed / windowS, 0)
  const own = serverFigures(from, to)
  const loop = stopped.probe?.window

  const overload: OverloadFigures = {
    admission: scenario.admission,
    model: load.model,
    peak_from: scenario.peakFrom,
    peak_events_per_s: peak,
    asked_requests_per_s: rate,
    offered_requests_per_s: load.offeredPerS,
    sent_requests_per_s: load.sentPerS,
    intended: load.intended,
    sent: load.sent,
    late: load.late,
    skipped: load.skipped,
    generator_saturated: load.saturated,
    generator_cores_max_second: load.cpuMaxCores,
    committed_vs_peak: round(eventsPerS / peak, 3),
    client_accepted_ms: load.acceptedMs,
    client_refused_ms: load.refusedMs,
    server_accepted_ms: own.accepted,
    server_refused_ms: own.refused,
    loop_delay_p99_ms: loop?.loopDelayP99Ms ?? null,
    loop_delay_max_ms: loop?.loopDelayMaxMs ?? null,
    rejected_by_reason: own.rejectedByReason,
  }
  const accepted = load.acceptedMs.count > 0 ? load.acceptedMs : null
  return {
    name: scenario.name,
    server: scenario.server,
    events_per_s: eventsPerS,
    requests_per_s: round(load.answered / load.durationS, 0),
    // Accepted requests, from the intended send time: what a client waited for a 2xx.
    p50_ms: accepted && accepted.p50,
    p99_ms: accepted && accepted.p99,
    peak_rss_mb: stopped.probe && round(stopped.probe.peakRssMb),
    max_loop_delay_ms: stopped.probe && round(stopped.probe.maxLoopDelayMs),
    rejected: load.answered - load.ok,
    // A request cut off when the load stops can be committed yet never acknowledged, so
    // rows may exceed acknowledgements; only the other way round is a loss.
    lost: Math.max(0, acked - rows),
    detail: {
      connections,
      events_per_request: perRequest,
      load_s: load.durationS,
      drain_s: round(stopped.drainS, 2),
      exit_code: stopped.exitCode,
      status: load.statuses,
      errors: Object.values(load.errors).reduce((sum, n) => sum + n, 0) - (load.errors.timeout ?? 0),
      timeouts: load.errors.timeout ?? 0,
      committed_in_window: committed,
      acknowledged_events_incl_warmup: acked,
      rows_incl_warmup: rows,
      cpu: cpuDetail({ server_cores: stopped.probe?.cpuCores ?? null, load_generator_cores: load.cpuCores }, cpu),
      overload,
    },
  }
}
