import { ConfigError, loadConfig } from './config.ts'
import { startSluice } from './sluice.ts'

const log = (line: string) => console.log(`${new Date().toISOString()} ${line}`)

let config
try {
  config = loadConfig()
} catch (error) {
  if (!(error instanceof ConfigError)) throw error
  console.error(`sluice: bad configuration: ${error.message}`)
  process.exit(2)
}

const quietLog = config.logLevel === 'silent' ? () => {} : log
let sluice
try {
  sluice = await startSluice(config, quietLog)
} catch (error) {
  console.error(`sluice: failed to start: ${(error as Error).message}`)
  process.exit(1)
}

log(`sluice listening on ${sluice.url} (writer ${config.writer}, durability ${config.durability}, database ${config.databaseUrl ? 'external' : `embedded on port ${sluice.embedded!.port}`})`)
log(`  ingest: curl -X POST ${sluice.url}/v1/events -H 'content-type: application/json' -d '{"type":"hello"}'`)

// A Ctrl-C reaches us twice, from the terminal and relayed by npm: only a signal that
// comes well after the first one means "stop now".
const FORCE_AFTER_MS = 2_000
let firstSignalAt: number | undefined
async function stop(signal: string) {
  if (firstSignalAt !== undefined) {
    if (performance.now() - firstSignalAt < FORCE_AFTER_MS) return
    log(`${signal} again: stopping the database and exiting without finishing the drain`)
    await sluice!.embedded?.stop(2_000)
    process.exit(1)
  }
  firstSignalAt = performance.now()
  log(`${signal}: refusing new requests, draining the queue (deadline ${config!.drainTimeoutMs} ms)`)
  const { drained, undrained, spooled } = await sluice!.close()
  log(`drained ${drained} events to the database; ${undrained} could not be written${undrained ? ' (lost)' : ''}${spooled ? `; ${spooled} stay in the spool for the next start` : ''}`)
  process.exit(undrained > 0 ? 1 : 0)
}
process.on('SIGTERM', () => void stop('SIGTERM'))
process.on('SIGINT', () => void stop('SIGINT'))
