import cluster, { type Worker } from 'node:cluster'
import path from 'node:path'
import { PRIMARY_DATABASE_PID_ENV, type Config } from '../config.ts'
import type { Sql } from '../db/client.ts'
import { startEmbedded, type EmbeddedDatabase } from '../db/embedded.ts'
import { migrate } from '../db/schema.ts'
import { recordAnnotation } from './annotations.ts'
import { restartBackoff, type RestartBackoff } from './backoff.ts'
import { clearFleetState, fleetSessionSql } from './fleet.ts'
import { joinFleet, type FleetSession } from './session.ts'

// As in main.ts: a Ctrl-C reaches us twice (terminal and npm); only a later one forces.
const FORCE_AFTER_MS = 2_000
const PARENT_POLL_MS = 1_000
// Past the workers' own drain deadline: their 2 s grace for requests in flight, then the
// database's close. A worker still alive after that is killed, and counted as a loss.
const STOP_MARGIN_MS = 10_000
// Connections per worker beyond its pool: LISTEN, the fleet session's two, one spare.
const CONNECTIONS_PER_WORKER_BEYOND_POOL = 4

interface Slot {
  /** 1-based, kept across restarts: it names the worker's spool folder and instance. */
  readonly n: number
  readonly backoff: RestartBackoff
  worker: Worker | undefined
  startedAt: number
  restart: NodeJS.Timeout | undefined
  /** How the last worker in this slot ended during the stop: 0 for a clean drain. */
  stopCode: number | string | undefined
}

export interface PrimaryOptions {
  readonly log: (line: string) => void
  /** The pid that started us, read at once: its death stops the fleet (see main.ts). */
  readonly parent: number
}

/**
 * The node:cluster primary behind SLUICE_WORKERS > 1: starts the embedded PostgreSQL
 * once (or uses DATABASE_URL), forks the workers (each a whole Sluice on the shared
 * port), restarts one that dies, with backoff, noting its death on the timeline, and on
 * SIGTERM/SIGINT drains them all before stopping the database. Resolves with the exit
 * code: 0 when every worker drained, 1 when one could not.
 */
export async function runPrimary(config: Config, { log, parent }: PrimaryOptions): Promise<number> {
  const slots: Slot[] = Array.from({ length: config.workers }, (_, i) => ({ n: i + 1, backoff: restartBackoff(), worker: undefined, startedAt: 0, restart: undefined, stopCode: undefined }))
  let embedded: EmbeddedDatabase | undefined
  let sql: Sql | undefined
  let lockSql: Sql | undefined
  let session: FleetSession | undefined
  let listening = false
  /** Database up and fleet joined: a stop can run now rather than wait for the start. */
  let ready = false
  let firstSignalAt: number | undefined
  let stopWhy: string | undefined
  let stopped: (code: number) => void = () => {}
  const done = new Promise<number>((resolve) => (stopped = resolve))

  const live = () => slots.flatMap((slot) => (slot.worker && slot.worker.process.exitCode === null && slot.worker.process.signalCode === null ? [slot.worker] : []))

  const stop = async (why: string, signal: NodeJS.Signals = 'SIGTERM') => {
    if (firstSignalAt !== undefined) {
      if (performance.now() - firstSignalAt < FORCE_AFTER_MS) return
      log(`${why} again: passing it on, so the workers exit without finishing their drain`)
      for (const worker of live()) worker.process.kill(signal)
      return
    }
    firstSignalAt = performance.now()
    stopWhy = why
    clearInterval(parentWatch)
    // Still starting: the database cannot be stopped halfway; the stop runs once it is up.
    if (!ready) return log(`${why} while starting: stopping once the database is up`)
    stopped(await shutdown(why))
  }

  const shutdown = async (why: string): Promise<number> => {
    for (const slot of slots) clearTimeout(slot.restart)
    const workers = live()
    log(`${why}: draining ${workers.length} workers (deadline ${config.drainTimeoutMs} ms each)`)
    for (const worker of workers) worker.process.kill('SIGTERM')
    const deadline = config.drainTimeoutMs + STOP_MARGIN_MS
    const exited = Promise.all(workers.map((worker) => new Promise<void>((resolve) => {
      if (worker.process.exitCode !== null || worker.process.signalCode !== null) return resolve()
      worker.process.once('exit', () => resolve())
    })))
    let timer: NodeJS.Timeout | undefined
    await Promise.race([exited, new Promise<void>((resolve) => (timer = setTimeout(resolve, deadline)))])
    clearTimeout(timer)
    for (const worker of live()) {
      log(`worker ${worker.process.pid} did not stop within ${deadline} ms: killing it`)
      worker.process.kill('SIGKILL')
    }
    await exited
    const lost = slots.filter((slot) => slot.stopCode !== undefined && slot.stopCode !== 0)
    await session?.close()
    await lockSql?.end({ timeout: 1 })
    await sql?.end({ timeout: 5 })
    await embedded?.stop()
    log(lost.length === 0
      ? `all ${workers.length} workers drained; database stopped`
      : `${lost.length} of ${workers.length} workers could not drain (${lost.map((slot) => `worker ${slot.n}: ${slot.stopCode}`).join(', ')}): events were lost`)
    return lost.length > 0 ? 1 : 0
  }

  process.on('SIGTERM', () => void stop('SIGTERM', 'SIGTERM'))
  process.on('SIGINT', () => void stop('SIGINT', 'SIGINT'))
  const parentWatch = parent > 1
    ? setInterval(() => {
        if (process.ppid !== parent) void stop(`parent process ${parent} exited`)
      }, PARENT_POLL_MS).unref()
    : undefined

  const fork = (slot: Slot, databaseUrl: string) => {
    const env: Record<string, string> = { DATABASE_URL: databaseUrl }
    if (embedded) env[PRIMARY_DATABASE_PID_ENV] = String(embedded.pid)
    if (config.instance !== undefined) env.SLUICE_INSTANCE = `${config.instance}/${slot.n}`
    // Each worker has its own spool (a spool is one writer's log); a restarted worker replays its slot's.
    if (config.durability === 'spool') env.SLUICE_SPOOL_DIR = path.join(config.spoolDir, `worker-${slot.n}`)
    slot.worker = cluster.fork(env)
    slot.startedAt = performance.now()
  }

  try {
    embedded = config.databaseUrl
      ? undefined
      : await startEmbedded({ dataDir: config.dataDir, log, settings: { max_connections: String(Math.max(200, config.workers * (config.dbPoolSize + CONNECTIONS_PER_WORKER_BEYOND_POOL) + 20)) } })
    const databaseUrl = config.databaseUrl ?? embedded!.url
    sql = fleetSessionSql(config, databaseUrl, 2)
    lockSql = fleetSessionSql(config, databaseUrl, 1)
    await migrate(sql)
    // The primary is a member for as long as it runs: a worker restarting alone never finds
    // the fleet empty, so never clears its knobs and notes.
    session = await joinFleet(lockSql, () => clearFleetState(sql!))
    ready = true
    if (stopWhy !== undefined) return await shutdown(stopWhy)

    cluster.on('exit', (worker, code, signal) => {
      const slot = slots.find((s) => s.worker === worker)
      if (!slot) return
      const how = signal ?? `exit code ${code}`
      if (firstSignalAt !== undefined) {
        slot.stopCode = signal ?? code ?? -1
        return
      }
      if (!listening) {
        slot.stopCode = how
        return void stop(`worker ${worker.process.pid} exited while starting (${how})`)
      }
      const delay = slot.backoff.next(performance.now() - slot.startedAt)
      const note = `worker ${worker.process.pid} died (${how}); restarting it in ${delay} ms`
      log(note)
      recordAnnotation(sql!, note, `primary ${process.pid}`).catch((error: Error) => log(`could not note the death on the timeline: ${error.message}`))
      slot.restart = setTimeout(() => {
        slot.restart = undefined
        if (firstSignalAt === undefined) fork(slot, databaseUrl)
      }, delay)
    })
    cluster.on('listening', (worker, address) => {
      if (listening) log(`worker ${worker.process.pid} listening again on port ${address.port}`)
    })

    for (const slot of slots) fork(slot, databaseUrl)
    const all = await Promise.race([
      new Promise<{ address: string; port: number }>((resolve) => {
        let count = 0
        const onListening = (_worker: Worker, at: { address: string; port: number }) => {
          if (++count < slots.length) return
          cluster.off('listening', onListening)
          resolve(at)
        }
        cluster.on('listening', onListening)
      }),
      // A stop, or a worker that failed to start, ends the start.
      done,
    ])
    if (typeof all === 'number') return all
    const address = all
    listening = true
    const host = address.address.includes(':') ? `[${address.address}]` : address.address
    log(`sluice listening on http://${host}:${address.port} with ${slots.length} workers (pids ${slots.map((slot) => slot.worker!.process.pid).join(', ')}; database ${config.databaseUrl ? 'external' : `embedded on port ${embedded!.port}`})`)
  } catch (error) {
    console.error(`sluice: failed to start: ${(error as Error).message}`)
    for (const worker of live()) worker.process.kill('SIGKILL')
    await session?.close()
    await lockSql?.end({ timeout: 1 })
    await sql?.end({ timeout: 1 })
    await embedded?.stop()
    return 1
  }
  return done
}
