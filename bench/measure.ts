/**
 * Runs one scenario, from an empty `events` table to a row of figures. The order matters:
 * warm up, let what the warm-up queued land, measure, then stop the server (Sluice drains
 * on SIGTERM) and only then count rows, so the count is what actually reached the database.
 */
import path from 'node:path'
import { body } from './bodies.ts'
import { built } from './build.ts'
import { Child } from './children.ts'
import type { CopyLoopResult } from './copy-loop.ts'
import { cpuDetail, cpuSnapshot, cpuUse, type CpuSnapshot } from './cpu.ts'
import type { BenchDatabase } from './database.ts'
import type { LoadResult } from './load.ts'
import { runLoad, twoXX } from './load-process.ts'
import { runOverload } from './overload.ts'
import { readProbe } from './probe-report.ts'
import type { ScenarioRow } from './result.ts'
import type { Scenario } from './scenarios.ts'
import { openSseClients, type SseClients } from './sse-clients.ts'
import { readSpool, spoolFigures, type SpoolReading } from './spool-figures.ts'
import { PROBE, ServerProcess, WRITES, type Stopped } from './server-process.ts'

export interface RunContext {
  readonly db: BenchDatabase
  readonly durationS: number
  readonly warmupS: number
  /** Where the probes write their reports. */
  readonly scratchDir: string
  /** Rows measured so far in this run, by scenario name (overload reads its peak here). */
  readonly done: ReadonlyMap<string, ScenarioRow>
}

// The copy loop runs this much past its duration at most before it counts as stuck.
const COPY_LOOP_GRACE_MS = 30_000

const round = (value: number, digits = 1) => Math.round(value * 10 ** digits) / 10 ** digits

async function runServerScenario(scenario: Extract<Scenario, { kind: 'closed' }>, context: RunContext): Promise<ScenarioRow> {
  const { db, durationS, warmupS } = context
  const writes = WRITES[scenario.server]
  const perRequest = body(scenario.shape).events

  await db.reset()
  const server = await ServerProcess.start(scenario.server, db.url, context.scratchDir)
  let warm: LoadResult
  let load: LoadResult
  let baseline = 0
  let stopped: Stopped
  let cpuFrom: CpuSnapshot | null = null
  let streams: SseClients | undefined
  let streamed: number | undefined
  let spoolFrom: SpoolReading | null = null
  let spoolTo: SpoolReading | null = null
  try {
    if (scenario.sseClients) streams = await openSseClients(server.url, scenario.sseClients)
    const spec = { url: `${server.url}/v1/events`, shape: scenario.shape }
    warm = await runLoad({ ...spec, connections: scenario.connections, durationS: warmupS })
    if (writes) baseline = await db.settledRows()
    server.markMeasureStart()
    spoolFrom = await readSpool(server.url)
    cpuFrom = cpuSnapshot(db.embedded?.pid)
    load = await runLoad({ ...spec, durationS, connections: scenario.connections })
    if (spoolFrom) spoolTo = await readSpool(server.url)
  } finally {
    streamed = streams?.close()
    stopped = await server.stop()
  }
  const cpu = cpuUse(cpuFrom, cpuSnapshot(db.embedded?.pid))
  const rows = writes ? await db.settledRows() : null
  const acked = (twoXX(warm) + twoXX(load)) * perRequest
  const committed = rows === null ? null : rows - baseline
  const windowS = load.durationS + stopped.drainS

  return {
    name: scenario.name,
    server: scenario.server,
    events_per_s: committed === null ? null : round(committed / windowS, 0),
    requests_per_s: round(load.requestsPerS, 0),
    p50_ms: load.latencyMs && round(load.latencyMs.p50, 2),
    p99_ms: load.latencyMs && round(load.latencyMs.p99, 2),
    peak_rss_mb: stopped.probe && round(stopped.probe.peakRssMb),
    max_loop_delay_ms: stopped.probe && round(stopped.probe.maxLoopDelayMs),
    rejected: load.responses - twoXX(load),
    // A request cut off when the load stops can be committed yet never acknowledged, so
    // rows may exceed acknowledgements; only the other way round is a loss.
    lost: rows === null ? null : Math.max(0, acked - rows),
    detail: {
      connections: scenario.connections,
      ...(streams && { sse_clients: scenario.sseClients, sse_metrics_events_received: streamed }),
      events_per_request: perRequest,
      load_s: load.durationS,
      drain_s: round(stopped.drainS, 2),
      exit_code: stopped.exitCode,
      status: load.status,
      errors: load.errors,
      timeouts: load.timeouts,
      committed_in_window: committed,
      acknowledged_events_incl_warmup: acked,
      rows_incl_warmup: rows,
      latency_2xx_ms: load.latency2xxMs,
      latency_429_ms: load.latency429Ms,
      cpu: cpuDetail({ server_cores: stopped.probe?.cpuCores ?? null, load_generator_cores: load.cpuCores }, cpu),
      ...(spoolFrom && { spool: spoolFigures(spoolFrom, spoolTo, load.durationS) }),
    },
  }
}

async function runCopyLoop(scenario: Extract<Scenario, { kind: 'copy-loop' }>, context: RunContext): Promise<ScenarioRow> {
  const { db, durationS } = context
  await db.reset()
  const probeFile = path.join(context.scratchDir, 'copy-loop.json')
  const child = new Child(built('copy-loop'), [String(durationS)], {
    preload: [PROBE],
    env: { DATABASE_URL: db.url, BENCH_PROBE_FILE: probeFile },
  })
  const cpuFrom = cpuSnapshot(db.embedded?.pid)
  const result = JSON.parse(await child.output(durationS * 1000 + COPY_LOOP_GRACE_MS)) as CopyLoopResult
  const cpu = cpuUse(cpuFrom, cpuSnapshot(db.embedded?.pid))
  const rows = await db.settledRows()
  const probe = readProbe(probeFile)
  return {
    name: scenario.name,
    server: scenario.server,
    events_per_s: round(rows / result.durationS, 0),
    requests_per_s: null,
    p50_ms: null,
    p99_ms: null,
    peak_rss_mb: probe && round(probe.peakRssMb),
    max_loop_delay_ms: probe && round(probe.maxLoopDelayMs),
    rejected: 0,
    lost: Math.max(0, result.rows - rows),
    detail: {
      batch_events: result.rows / Math.max(1, result.batches),
      batches: result.batches,
      load_s: round(result.durationS, 2),
      batch_ms: result.batchMs,
      cpu: cpuDetail({ copy_loop_cores: probe?.cpuCores ?? null }, cpu),
    },
  }
}

export function runScenario(scenario: Scenario, context: RunContext): Promise<ScenarioRow> {
  switch (scenario.kind) {
    case 'copy-loop':
      return runCopyLoop(scenario, context)
    case 'overload':
      return runOverload(scenario, context)
    case 'closed':
      return runServerScenario(scenario, context)
  }
}
