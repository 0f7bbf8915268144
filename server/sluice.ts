import { once } from 'node:events'
import type { Server, ServerOptions } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import type { LiveConfig } from '../shared/config.ts'
import type { Config } from './config.ts'
import { createSql, type Sql } from './db/client.ts'
import { startEmbedded, type EmbeddedDatabase } from './db/embedded.ts'
import { migrate } from './db/schema.ts'
import { createApp } from './http/app.ts'
import { effectiveConfig } from './http/config-api.ts'
import { allowedHostNames } from './http/host-check.ts'
import { ingestListener } from './http/ingest.ts'
import { closeIdleAfterReading } from './http/keep-alive.ts'
import { Sessions } from './http/session.ts'
import { gatedServer, shedFirst } from './http/shed.ts'
import { startFleet, type Fleet } from './fleet/fleet.ts'
import { startHeartbeat, type Heartbeat } from './fleet/heartbeat.ts'
import { instanceId } from './fleet/instance-id.ts'
import { BurstManager } from './load/manager.ts'
import { cpuSampler } from './metrics/cpu.ts'
import { createTelemetry, type Telemetry } from './metrics/telemetry.ts'
import { Pipeline, type DrainReport } from './pipeline/pipeline.ts'
import { Spool } from './pipeline/spool/spool.ts'

export interface Sluice {
  readonly url: string
  readonly config: Config
  readonly pipeline: Pipeline
  readonly sql: Sql
  readonly embedded: EmbeddedDatabase | undefined
  /** Load bursts against this server (POST /api/bursts); `onProgress` for their events. */
  readonly bursts: BurstManager
  /** Metrics core, sampler, SSE hub (publish events here) and Prometheus registry. */
  readonly telemetry: Telemetry
  /** Its place in the fleet of instances on this database: shared knobs, notes, one burst slot. */
  readonly fleet: Fleet
  /** Its row in the instance registry, beating once a second; the stream shows the fleet's totals. */
  readonly heartbeat: Heartbeat
  /** Graceful stop: refuse new work, drain the queue, stop the database. Safe to call twice. */
  close(): Promise<DrainReport>
}

export type Log = (line: string) => void

// In-flight requests get this long to finish reading and enqueue before the drain starts.
const INFLIGHT_GRACE_MS = 2_000

async function connect(url: string, config: Config, log: Log): Promise<Sql> {
  const sql = createSql(url, { max: config.dbPoolSize, prepare: config.dbPrepare })
  for (let attempt = 1; ; attempt++) {
    try {
      await migrate(sql)
      return sql
    } catch (error) {
      if (attempt >= 10) {
        await sql.end({ timeout: 1 })
        throw new Error(`cannot reach PostgreSQL: ${(error as Error).message}`, { cause: error })
      }
      log(`database not ready (${(error as Error).message}); retrying`)
      await new Promise((resolve) => setTimeout(resolve, 500 * attempt))
    }
  }
}

async function listen(server: Server, config: Config): Promise<AddressInfo> {
  try {
    await once(server, 'listening')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') {
      throw new Error(`PORT ${config.port} on ${config.host} is already in use; set PORT to another port (0 picks a free one)`, { cause: error })
    }
    throw error
  }
  return server.address() as AddressInfo
}

/**
 * Node's own limits, set on purpose rather than left at Node 20's defaults (60 s for the
 * head, 300 s for the whole request, checked only every 30 s). The head gets
 * `headersTimeoutMs`; the whole request gets that plus the body's own timeout, so the
 * body's 408 (JSON, counted) comes first and Node's bare 408 is only the backstop. A
 * kept-alive connection idle past `keepAliveTimeoutMs` is closed.
 */
export function nodeTimeouts(config: Config): ServerOptions {
  return {
    headersTimeout: config.headersTimeoutMs,
    requestTimeout: config.headersTimeoutMs + config.bodyTimeoutMs,
    keepAliveTimeout: config.keepAliveTimeoutMs,
    // How often Node looks for connections past those timeouts: a second late at most.
    connectionsCheckingInterval: 1_000,
  }
}

/** Starts the database (embedded unless DATABASE_URL), the pipeline and the HTTP server. */
export async function startSluice(config: Config, log: Log = () => {}): Promise<Sluice> {
  const embedded = config.databaseUrl ? undefined : await startEmbedded({ dataDir: config.dataDir, log })
  let sql: Sql | undefined
  let telemetry: Telemetry | undefined
  let spool: Spool | undefined
  let fleet: Fleet | undefined
  let heartbeat: Heartbeat | undefined
  try {
    const databaseUrl = config.databaseUrl ?? embedded!.url
    // Ours, or in a worker the one its primary started: its CPU is charted either way.
    const databasePid = embedded?.pid ?? config.primaryDatabasePid
    sql = await connect(databaseUrl, config, log)
    if (config.durability === 'spool') spool = await openSpool(config, sql, log)
    const pipeline = new Pipeline(config, sql, log, spool)
    fleet = await startFleet({ config, sql, databaseUrl, pipeline, log })
    // Runs tick only once telemetry exists (it is set just below, before anything listens).
    const bursts = new BurstManager({ config, pipeline, sql, log, databasePid, fleet: fleet.bursts, onRequests: (counts) => telemetry?.metrics.countBurstRequests(counts) })
    await bursts.init()
    const live = createTelemetry(config, pipeline, log, cpuSampler({ databasePid, generatorPid: () => bursts.generatorPid }))
    telemetry = live
    bursts.onProgress((progress) => live.hub.publish('burst', progress))
    // Every knob change, by the API or by a burst, reaches the dashboard the same way.
    pipeline.onKnobsChanged(({ changed, by, from }) => {
      const at = Date.now()
      const knobs = pipeline.knobs
      live.knobChanges.add({ at, by, from, to: Object.fromEntries(changed.map((key) => [key, knobs[key]])) as Partial<LiveConfig> })
      live.hub.publish('config', { config: effectiveConfig(config, knobs), changed, by, at, from })
    })
    await fleet.attach(live, bursts)
    let instance = instanceId(config)
    const sessions = config.token === undefined ? undefined : new Sessions(config.token)
    const app = createApp({ config, pipeline, log, bursts, telemetry: live, sql, fleet, instance: () => instance, sessions })
    const ingest = ingestListener({ config, pipeline, metrics: live.metrics, allowedHosts: allowedHostNames(config.host, config.allowedHosts), sessions, log })
    const server = serve({
      fetch: app.fetch,
      port: config.port,
      hostname: config.host,
      serverOptions: nodeTimeouts(config),
      createServer: gatedServer(shedFirst(pipeline, live.metrics, ingest)),
    }) as Server
    live.metrics.trackConnections(server)
    closeIdleAfterReading(server)
    const address = await listen(server, config)
    instance = instanceId(config, address.port)
    pipeline.start()
    heartbeat = startHeartbeat({ sql, id: instance, telemetry: live, log })
    // Each process is scraped on its own (docs/metrics.md); the label says which one a series is.
    live.registry.setDefaultLabels({ instance })
    live.start()
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
    const url = `http://${host}:${address.port}`
    bursts.setTarget(config.burstTarget ?? url)

    let closing: Promise<DrainReport> | undefined
    const close = () => (closing ??= shutdown())
    const shutdown = async (): Promise<DrainReport> => {
      // A burst's own traffic must not hold up the drain.
      await bursts.close()
      const deadline = performance.now() + config.drainTimeoutMs
      const written = () => pipeline.stats.eventsCommitted + pipeline.stats.deadLettered
      const writtenBefore = written()
      pipeline.beginDrain()
      server.close()
      server.closeIdleConnections()
      // Fixed once: a slow-drip client must not stretch the grace to the drain deadline.
      const graceEnds = Math.min(deadline, performance.now() + INFLIGHT_GRACE_MS)
      while (pipeline.inflightRequests > 0 && performance.now() < graceEnds) {
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      const { undrained, spooled } = await pipeline.drain(Math.max(0, deadline - performance.now()))
      // Everything written since the drain began, the grace included.
      const report = { drained: written() - writtenBefore, undrained, spooled }
      // Let the last `?wait=commit` answers leave before the sockets go.
      await new Promise((resolve) => setImmediate(resolve))
      // A last tick shows the drained queue, then the streams end.
      live.stop()
      await heartbeat!.close()
      server.closeAllConnections()
      await fleet!.close()
      await sql!.end({ timeout: 5 })
      await embedded?.stop()
      return report
    }
    return { url, config, pipeline, sql, embedded, bursts, telemetry: live, fleet, heartbeat, close }
  } catch (error) {
    telemetry?.stop()
    await heartbeat?.close()
    await fleet?.close()
    await spool?.close()
    await sql?.end({ timeout: 1 })
    await embedded?.stop()
    throw error
  }
}

/** Opens the spool, cutting a torn tail; what it holds past the committed offset is replayed by the pipeline. */
async function openSpool(config: Config, sql: Sql, log: Log): Promise<Spool> {
  const spool = await Spool.open({ dir: config.spoolDir, maxBytes: config.spoolMaxBytes, killAfterCommits: config.spoolKillAfterCommits, log }, sql)
  const { records, tornRecords } = spool.log.recovered
  log(`spool at ${config.spoolDir}: ${records} records on disk, ${spool.unwrittenEvents} events to replay, ${tornRecords} torn records cut`)
  return spool
}
