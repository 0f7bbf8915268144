import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import type { EffectiveConfig } from '../shared/config.ts'
import { createSql, type Sql } from '../server/db/client.ts'
import { buildServer, fresh, freshHello, pidOf } from './support/fleet.ts'
import { runLoad } from './support/load.ts'
import { exited, isRunning } from './support/processes.ts'
import { eventually, freshDatabase } from './support/sluice.ts'

// The primary forks two bundles' worth of Node on two shared cores.
const START_TIMEOUT_MS = 60_000
const STOP_TIMEOUT_MS = 40_000

let database: Awaited<ReturnType<typeof freshDatabase>>
let db: Sql
let primary: ChildProcess | undefined
let output = ''
const pids = new Set<number>()
let main: string

beforeAll(async () => {
  database = await freshDatabase()
  db = createSql(database.url, { max: 2 })
  main = await buildServer('workers')
  primary = spawn(process.execPath, [main], {
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      HOST: '127.0.0.1',
      PORT: '0',
      SLUICE_WORKERS: '2',
      SLUICE_TOKEN: '',
      SLUICE_LOG: 'info',
      // Admission sheds on this machine's load, which is not what this test is about.
      SLUICE_ADMISSION: 'off',
      // Events stay queued until the drain: what SIGTERM must not lose.
      SLUICE_FLUSH_INTERVAL_MS: '60000',
      SLUICE_BATCH_MAX_EVENTS: '1000000',
      SLUICE_BATCH_MAX_BYTES: String(256 * 1024 * 1024),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  primary.stdout!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  primary.stderr!.on('data', (chunk: Buffer) => (output += chunk.toString()))
  await eventually(() => /with 2 workers \(pids (\d+), (\d+)/.test(output) || primary!.exitCode !== null, START_TIMEOUT_MS, `two workers to listen:\n${output}`)
  const [, a, b] = /with 2 workers \(pids (\d+), (\d+)/.exec(output) ?? []
  expect(primary.exitCode, output).toBeNull()
  pids.add(Number(a)).add(Number(b))
}, START_TIMEOUT_MS + 30_000)

afterAll(async () => {
  // Whatever failed: the primary and every worker it forked are gone, by pid.
  const workers = [...output.matchAll(/\[worker (\d+)\]/g)].map((match) => Number(match[1]))
  for (const pid of [primary?.pid, ...pids, ...workers]) if (pid !== undefined && isRunning(pid)) process.kill(pid, 'SIGKILL')
  await db?.end({ timeout: 1 })
  await database?.drop()
})

const url = () => /sluice listening on (http:\S+) with/.exec(output)![1]!

/** Asks on fresh connections until every one of `want` answered; returns what each said. */
async function fromEach(want: Set<number>, route: string, check: (body: string) => boolean = () => true): Promise<Map<number, string>> {
  const seen = new Map<number, string>()
  await eventually(async () => {
    const answer = await fresh(url(), 'GET', route)
    const pid = pidOf(answer.instance)
    if (answer.status === 200 && want.has(pid) && check(answer.body)) seen.set(pid, answer.body)
    return seen.size === want.size
  }, 20_000, `${route} from workers ${[...want].join(', ')} (seen ${[...seen.keys()].join(', ')})`)
  return seen
}

it('serves one port from two worker processes, each naming itself', async () => {
  const answered = await fromEach(pids, '/livez')
  expect([...answered.keys()].sort()).toEqual([...pids].sort())
  expect(pids.has(primary!.pid!)).toBe(false)
})

it('applies a PATCH through one worker on every worker', async () => {
  const patched = await fresh(url(), 'PATCH', '/api/config', { maxInflight: 777 })
  expect(patched.status).toBe(200)
  const seen = await fromEach(pids, '/api/config', (body) => (JSON.parse(body) as EffectiveConfig).live.maxInflight === 777)
  const [one, other] = [...seen.values()].map((body) => (JSON.parse(body) as EffectiveConfig).live)
  expect(one).toEqual(other)
})

it('replaces a worker killed with SIGKILL, notes its death, and the new one takes the fleet knobs', async () => {
  const [victim] = [...pids]
  process.kill(victim!, 'SIGKILL')
  await exited(victim!, 10_000, 'the killed worker')
  await eventually(() => new RegExp(`worker ${victim} died \\(SIGKILL\\)`).test(output), 10_000, 'the primary to see the death')
  await eventually(async () => (await db`select 1 from fleet_annotations where text like ${`worker ${victim} died (SIGKILL)%`}`).length === 1, 10_000, 'the death noted')
  pids.delete(victim!)
  await eventually(() => /worker (\d+) listening again/.test(output), 20_000, 'a new worker')
  const replacement = Number(/worker (\d+) listening again/.exec(output)![1])
  expect(replacement).not.toBe(victim)
  pids.add(replacement)
  // The new worker started after the PATCH: it read the knobs from the fleet's table.
  await fromEach(new Set([replacement]), '/api/config', (body) => (JSON.parse(body) as EffectiveConfig).live.maxInflight === 777)
  // Both workers' timelines show the note: the survivor by message, the new one from the table.
  await eventually(async () => {
    const hellos = await Promise.all([freshHello(url()), freshHello(url()), freshHello(url()), freshHello(url())])
    return hellos.every(({ hello }) => hello.annotations.some((note) => note.text.startsWith(`worker ${victim} died (SIGKILL)`)))
  }, 15_000, 'the note in every hello')
})

it('drains every worker on SIGTERM and exits 0 with every 202 in the table', async () => {
  const load = runLoad(url(), { workers: 4, eventsPerRequest: 10, maxRequests: 200, tag: 'workers-drain' })
  const answered = () => [...load.tally.statuses.values()].reduce((sum, count) => sum + count, load.tally.networkErrors)
  await eventually(() => answered() === 200, 30_000, 'the 200 requests to be answered')
  const tally = await load.stop()
  expect(tally.statuses.get(202)).toBe(200)
  const [{ n: before }] = (await db`select count(*)::int as n from events where payload->>'tag' = 'workers-drain'`) as unknown as [{ n: number }]
  // Queued, not written: the flush interval is a minute.
  expect(before).toBe(0)

  const exit = once(primary!, 'exit')
  primary!.kill('SIGTERM')
  const [code] = (await Promise.race([exit, new Promise((_, reject) => setTimeout(() => reject(new Error(`no exit within ${STOP_TIMEOUT_MS} ms:\n${output}`)), STOP_TIMEOUT_MS))])) as [number | null]
  expect(code, output).toBe(0)
  expect(output).toMatch(/all 2 workers drained/)
  for (const pid of pids) expect(isRunning(pid), `worker ${pid}`).toBe(false)
  const [{ n }] = (await db`select count(*)::int as n from events where payload->>'tag' = 'workers-drain'`) as unknown as [{ n: number }]
  expect(n).toBe(tally.acknowledged)
}, STOP_TIMEOUT_MS + 20_000)

it('starts the embedded PostgreSQL once, for every worker, and stops it once they have drained', async () => {
  const dataDir = mkdtempSync(path.join(tmpdir(), 'sluice-workers-embedded-'))
  const env: NodeJS.ProcessEnv = { ...process.env, SLUICE_DATA_DIR: dataDir, HOST: '127.0.0.1', PORT: '0', SLUICE_WORKERS: '2', SLUICE_TOKEN: '', SLUICE_LOG: 'info' }
  delete env.DATABASE_URL
  const child = spawn(process.execPath, [main], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let log = ''
  child.stdout!.on('data', (chunk: Buffer) => (log += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (log += chunk.toString()))
  const pidFile = path.join(dataDir, 'pg', 'postmaster.pid')
  try {
    await eventually(() => /with 2 workers/.test(log) || child.exitCode !== null, START_TIMEOUT_MS, `two workers on an embedded database:\n${log}`)
    expect(log.match(/embedded PostgreSQL ready/g), log).toHaveLength(1)
    const postmaster = Number(readFileSync(pidFile, 'utf8').split('\n')[0])
    expect(isRunning(postmaster)).toBe(true)
    const url = /sluice listening on (http:\S+) with/.exec(log)![1]!
    expect((await fresh(url, 'POST', '/v1/events?wait=commit', { type: 'embedded' })).status).toBe(200)
    // A worker says its database is embedded and charts its CPU, as one process would:
    // the primary told it which process that is.
    await eventually(async () => {
      const { hello } = await freshHello(url)
      return hello.config.fixed.database === 'embedded' && hello.history.some((tick) => tick.cpu.database !== null)
    }, 10_000, 'a worker to chart the embedded database')

    const exit = once(child, 'exit')
    child.kill('SIGTERM')
    const [code] = (await Promise.race([exit, new Promise((_, reject) => setTimeout(() => reject(new Error(`no exit within ${STOP_TIMEOUT_MS} ms:\n${log}`)), STOP_TIMEOUT_MS))])) as [number | null]
    expect(code, log).toBe(0)
    // The database went last: after both workers' drains.
    const lastDrain = log.lastIndexOf('] drained ')
    expect(lastDrain).toBeGreaterThan(0)
    expect(log.indexOf('all 2 workers drained; database stopped')).toBeGreaterThan(lastDrain)
    await exited(postmaster, 10_000, 'the embedded PostgreSQL')
  } finally {
    const workers = [...log.matchAll(/\[worker (\d+)\]/g)].map((match) => Number(match[1]))
    for (const pid of [child.pid, ...workers]) if (pid !== undefined && isRunning(pid)) process.kill(pid, 'SIGKILL')
    // SIGQUIT: PostgreSQL's immediate shutdown, which takes its own children along.
    const postmaster = existsSync(pidFile) ? Number(readFileSync(pidFile, 'utf8').split('\n')[0]) : undefined
    if (postmaster !== undefined && postmaster > 1 && isRunning(postmaster)) process.kill(postmaster, 'SIGQUIT')
    rmSync(dataDir, { recursive: true, force: true })
  }
}, START_TIMEOUT_MS + STOP_TIMEOUT_MS + 20_000)
