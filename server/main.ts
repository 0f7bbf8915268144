import cluster from 'node:cluster'
import { setFlagsFromString } from 'node:v8'
import { ConfigError, loadConfig } from './config.ts'
import { runPrimary } from './fleet/cluster.ts'
import { startSluice, type Sluice } from './sluice.ts'

const who = cluster.isWorker ? ` [worker ${process.pid}]` : ''
const log = (line: string) => console.log(`${new Date().toISOString()}${who} ${line}`)

// Read before anything slow: a parent that dies while the database starts must still count.
const parent = process.ppid

let config
try {
  config = loadConfig()
} catch (error) {
  if (!(error instanceof ConfigError)) throw error
  console.error(`sluice: bad configuration: ${error.message}`)
  process.exit(2)
}

// Queued events outlive young-generation collections and die in the old generation, which
// V8 lets grow to up to four times what its last full collection kept before it collects
// again: NDJSON overload with a full queue (about 70 MB live) took RSS past 300 MB. A
// smaller growth factor keeps that garbage in bounds (docs/overload.md).
if (config.heapGrowthPercent > 0) setFlagsFromString(`--heap-growing-percent=${config.heapGrowthPercent}`)

// SLUICE_WORKERS > 1: this process supervises; each worker runs the rest of this file.
if (config.workers > 1 && cluster.isPrimary) process.exit(await runPrimary(config, { log, parent }))

// A Ctrl-C reaches us twice, from the terminal and relayed by npm: only a signal that
// comes well after the first one means "stop now".
const FORCE_AFTER_MS = 2_000
let firstSignalAt: number | undefined
let sluice: Sluice | undefined

async function stop(why: string) {
  clearInterval(parentWatch)
  if (firstSignalAt !== undefined) {
    if (performance.now() - firstSignalAt < FORCE_AFTER_MS || !sluice) return
    log(`${why} again: stopping the database and exiting without finishing the drain`)
    await sluice.embedded?.stop(2_000)
    process.exit(1)
  }
  firstSignalAt = performance.now()
  // Still starting: the database is on its way up and cannot be stopped halfway; the
  // stop runs the moment the start is done (or the failed start has cleaned up).
  if (!sluice) return log(`${why} while starting: stopping once the database is up`)
  log(`${why}: refusing new requests, draining the queue (deadline ${config!.drainTimeoutMs} ms)`)
  const { drained, undrained, spooled } = await sluice.close()
  log(`drained ${drained} events to the database; ${undrained} could not be written${undrained ? ' (lost)' : ''}${spooled ? `; ${spooled} stay in the spool for the next start` : ''}`)
  process.exit(undrained > 0 ? 1 : 0)
}
process.on('SIGTERM', () => void stop('SIGTERM'))
process.on('SIGINT', () => void stop('SIGINT'))

// Whoever started us may die without passing a signal on (npm or a shell killed with
// SIGKILL, a closed terminal): we would run on unseen, holding the port and the database
// (docs/stack-notes.md, "npm 11 and signals"; `npm start` execs us for the same reason).
// Node has no parent-death signal, so poll: a changed parent pid means ours is gone (we
// were handed to init or a subreaper). Started by init or as a container's PID 1
// (parent 0 or 1), there is no parent to lose.
const PARENT_POLL_MS = 1_000
const parentWatch = parent > 1
  ? setInterval(() => {
      if (process.ppid !== parent) void stop(`parent process ${parent} exited`)
    }, PARENT_POLL_MS).unref()
  : undefined

const quietLog = config.logLevel === 'silent' ? () => {} : log
try {
  sluice = await startSluice(config, quietLog)
} catch (error) {
  console.error(`sluice: failed to start: ${(error as Error).message}`)
  process.exit(1)
}

log(`sluice listening on ${sluice.url} (writer ${config.writer}, durability ${config.durability}, database ${cluster.isWorker ? "the primary's" : config.databaseUrl ? 'external' : `embedded on port ${sluice.embedded!.port}`})`)
log(`  ingest: curl -X POST ${sluice.url}/v1/events -H 'content-type: application/json' -d '{"type":"hello"}'`)
if (firstSignalAt !== undefined) {
  firstSignalAt = undefined
  await stop('stop requested during start')
}
