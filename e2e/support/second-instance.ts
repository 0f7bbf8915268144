import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync } from 'node:fs'
import path from 'node:path'
import postgres from 'postgres'

/** Where playwright.config.ts has the suite's server keep its embedded PostgreSQL. */
const E2E_DATA_DIR = '.sluice-e2e'
const START_TIMEOUT_MS = 60_000
const STOP_TIMEOUT_MS = 30_000

/** The suite's embedded database, read from its folder: the password initdb was given, the port from postmaster.pid. */
function e2eDatabaseUrl(): string {
  const password = readFileSync(path.join(E2E_DATA_DIR, 'pg-password'), 'utf8').trim()
  const port = readFileSync(path.join(E2E_DATA_DIR, 'pg', 'postmaster.pid'), 'utf8').split('\n')[3]!.trim()
  return `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`
}

export interface SecondInstance {
  readonly id: string
  readonly child: ChildProcess
  /** SIGTERM (a clean stop, which marks it gone), waited for by pid; SIGKILL past the deadline. */
  stop(): Promise<void>
  /** Deletes its heartbeat row, so the suite's server drops it at once and later specs see one instance. */
  forget(): Promise<void>
}

/**
 * A second Sluice on the suite's database (the built bundle, as the suite's own server),
 * so the dashboard shows a fleet of two.
 */
export async function startSecondInstance(id: string): Promise<SecondInstance> {
  const databaseUrl = e2eDatabaseUrl()
  const child = spawn(process.execPath, ['dist/server/main.js'], {
    env: { ...process.env, DATABASE_URL: databaseUrl, HOST: '127.0.0.1', PORT: '0', SLUICE_INSTANCE: id, SLUICE_TOKEN: '', SLUICE_LOG: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  const exited = once(child, 'exit')
  let output = ''
  const started = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`second instance did not start within ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS)
    const read = (chunk: Buffer) => {
      output += chunk.toString()
      if (/listening on http:/.test(output)) {
        clearTimeout(timer)
        resolve()
      }
    }
    child.stdout!.on('data', read)
    child.stderr!.on('data', read)
    void exited.then(() => {
      clearTimeout(timer)
      reject(new Error(`second instance exited:\n${output}`))
    })
  })
  const stop = async () => {
    if (child.exitCode !== null || child.signalCode !== null) return
    child.kill('SIGTERM')
    const timer = setTimeout(() => child.kill('SIGKILL'), STOP_TIMEOUT_MS)
    await exited
    clearTimeout(timer)
  }
  try {
    await started
  } catch (error) {
    child.kill('SIGKILL')
    throw error
  }
  return {
    id,
    child,
    stop,
    async forget() {
      const sql = postgres(databaseUrl, { max: 1, onnotice: () => {} })
      try {
        await sql`delete from sluice_instances where id = ${id}`
      } finally {
        await sql.end({ timeout: 5 })
      }
    },
  }
}
