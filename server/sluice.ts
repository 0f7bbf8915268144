import { once } from 'node:events'
import type { Server } from 'node:http'
import type { AddressInfo } from 'node:net'
import { serve } from '@hono/node-server'
import type { Config } from './config.ts'
import { createSql, type Sql } from './db/client.ts'
import { startEmbedded, type EmbeddedDatabase } from './db/embedded.ts'
import { migrate } from './db/schema.ts'
import { createApp } from './http/app.ts'
import type { DrainReport } from './pipeline/batcher.ts'
import { Pipeline } from './pipeline/pipeline.ts'

export interface Sluice {
  readonly url: string
  readonly config: Config
  readonly pipeline: Pipeline
  readonly sql: Sql
  readonly embedded: EmbeddedDatabase | undefined
  /** Graceful stop: refuse new work, drain the queue, stop the database. Safe to call twice. */
  close(): Promise<DrainReport>
}

export type Log = (line: string) => void

// In-flight requests get this long to finish reading and enqueue before the drain starts.
const INFLIGHT_GRACE_MS = 2_000

async function connect(url: string, config: Config, log: Log): Promise<Sql> {
  const sql = createSql(url, { max: config.dbPoolSize })
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

/** Starts the database (embedded unless DATABASE_URL), the pipeline and the HTTP server. */
export async function startSluice(config: Config, log: Log = () => {}): Promise<Sluice> {
  const embedded = config.databaseUrl ? undefined : await startEmbedded({ dataDir: config.dataDir, log })
  let sql: Sql | undefined
  try {
    sql = await connect(config.databaseUrl ?? embedded!.url, config, log)
    const pipeline = new Pipeline(config, sql, log)
    const app = createApp({ config, pipeline, log })
    const server = serve({ fetch: app.fetch, port: config.port, hostname: config.host }) as Server
    const address = await listen(server, config)
    pipeline.start()
    const host = address.family === 'IPv6' ? `[${address.address}]` : address.address
    const url = `http://${host}:${address.port}`

    let closing: Promise<DrainReport> | undefined
    const close = () => (closing ??= shutdown())
    const shutdown = async (): Promise<DrainReport> => {
      const deadline = performance.now() + config.drainTimeoutMs
      pipeline.state = 'draining'
      server.close()
      server.closeIdleConnections()
      while (pipeline.inflightRequests > 0 && performance.now() < Math.min(deadline, performance.now() + INFLIGHT_GRACE_MS)) {
        await new Promise((resolve) => setTimeout(resolve, 10))
      }
      const report = await pipeline.drain(Math.max(0, deadline - performance.now()))
      // Let the last `?wait=commit` answers leave before the sockets go.
      await new Promise((resolve) => setImmediate(resolve))
      server.closeAllConnections()
      await sql!.end({ timeout: 5 })
      await embedded?.stop()
      return report
    }
    return { url, config, pipeline, sql, embedded, close }
  } catch (error) {
    await sql?.end({ timeout: 1 })
    await embedded?.stop()
    throw error
  }
}
