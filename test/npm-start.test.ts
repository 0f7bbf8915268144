import { execFileSync, spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterEach, beforeAll, describe, expect, it } from 'vitest'
import { exited, isRunning, nodesBelow } from './support/processes.ts'

const ROOT = fileURLToPath(new URL('..', import.meta.url))
// initdb and a first start of PostgreSQL, on two cores shared with the rest of the suite.
const START_TIMEOUT_MS = 90_000
// The drain of an idle server takes well under a second; the parent watch polls each second.
const STOP_TIMEOUT_MS = 30_000

interface Started {
  readonly npm: ChildProcess
  readonly node: number
  readonly postmaster: number
}

const cleanups: Array<() => void> = []
afterEach(() => {
  for (const cleanup of cleanups.splice(0)) cleanup()
})

/**
 * `npm start` as a user runs it, on a fresh data folder and a free port; resolves once it
 * prints its URL. `--ignore-scripts` skips only the prestart build: what is under test is
 * how the start stops, and building the dashboard here would race the Playwright run.
 */
async function npmStart(): Promise<Started> {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sluice-npm-start-'))
  const env: NodeJS.ProcessEnv = { ...process.env, SLUICE_DATA_DIR: dataDir, PORT: '0', HOST: '127.0.0.1' }
  delete env.DATABASE_URL
  const npm = spawn('npm', ['start', '--ignore-scripts'], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let output = ''
  npm.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  npm.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  const pidFile = path.join(dataDir, 'pg', 'postmaster.pid')
  const postmasterPid = () => Number(readFileSync(pidFile, 'utf8').split('\n')[0])
  let nodes: number[] = []
  // Whatever the test did or failed at, nothing it started outlives it.
  cleanups.push(() => {
    const running = (pid: number | undefined): pid is number => pid !== undefined && pid > 1 && isRunning(pid)
    const servers = nodes.length > 0 || npm.pid === undefined ? nodes : nodesBelow(npm.pid, SERVER_SCRIPT)
    for (const pid of [npm.pid, ...servers]) if (running(pid)) process.kill(pid, 'SIGKILL')
    // SIGQUIT: PostgreSQL's immediate shutdown, which still takes its own children along.
    const postmaster = existsSync(pidFile) ? postmasterPid() : undefined
    if (running(postmaster)) process.kill(postmaster, 'SIGQUIT')
    rmSync(dataDir, { recursive: true, force: true })
  })
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`npm start printed no URL within ${START_TIMEOUT_MS} ms:\n${output}`)), START_TIMEOUT_MS)
    const done = (error?: Error) => {
      clearTimeout(timer)
      npm.stdout!.off('data', listening)
      npm.off('exit', early)
      if (error) reject(error)
      else resolve()
    }
    const listening = () => output.includes('sluice listening on') && done()
    const early = () => done(new Error(`npm start exited while starting:\n${output}`))
    npm.stdout!.on('data', listening)
    npm.once('exit', early)
  })
  nodes = nodesBelow(npm.pid!, SERVER_SCRIPT)
  expect(nodes, `one node process below npm (${npm.pid})`).toHaveLength(1)
  const postmaster = postmasterPid()
  expect(isRunning(postmaster)).toBe(true)
  return { npm, node: nodes[0]!, postmaster }
}

/** What `npm start` runs: the server's build, made here because --ignore-scripts skips prestart. */
const SERVER_SCRIPT = 'dist/server/main.js'

describe('npm start stops the way people stop things', () => {
  beforeAll(() => {
    execFileSync('npm', ['run', '--silent', 'build:server'], { cwd: ROOT, stdio: 'ignore', timeout: 60_000 })
  })

  it('SIGTERM to npm stops node and the embedded PostgreSQL', async () => {
    const { npm, node, postmaster } = await npmStart()
    const npmExit = new Promise<number | null>((resolve) => npm.once('exit', (code) => resolve(code)))
    npm.kill('SIGTERM')
    await exited(node, STOP_TIMEOUT_MS, 'the server')
    await exited(postmaster, STOP_TIMEOUT_MS, 'the embedded PostgreSQL')
    // npm relays the signal, waits for the server's drain and passes its exit code on.
    expect(await npmExit).toBe(0)
  }, START_TIMEOUT_MS + 2 * STOP_TIMEOUT_MS)

  it('a server whose npm was SIGKILLed stops by itself and takes its PostgreSQL with it', async () => {
    const { npm, node, postmaster } = await npmStart()
    npm.kill('SIGKILL')
    await exited(node, STOP_TIMEOUT_MS, 'the orphaned server')
    await exited(postmaster, STOP_TIMEOUT_MS, 'the embedded PostgreSQL')
  }, START_TIMEOUT_MS + 2 * STOP_TIMEOUT_MS)
})
