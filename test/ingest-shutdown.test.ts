import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createSql } from '../server/db/client.ts'
import { runLoad } from './support/load.ts'
import { eventually, freshDatabase } from './support/sluice.ts'

let database: Awaited<ReturnType<typeof freshDatabase>>
let child: ChildProcess | undefined
beforeAll(async () => {
  database = await freshDatabase()
})
afterAll(async () => {
  if (child && child.exitCode === null) child.kill('SIGKILL')
  await database?.drop()
})

it('drains every 202-acknowledged event to the database on SIGTERM, then exits 0', async () => {
  child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    env: {
      ...process.env,
      DATABASE_URL: database.url,
      PORT: '0',
      // A long flush interval and a huge batch keep events queued until the drain.
      SLUICE_FLUSH_INTERVAL_MS: '60000',
      SLUICE_BATCH_MAX_EVENTS: '1000000',
      SLUICE_BATCH_MAX_BYTES: String(256 * 1024 * 1024),
    },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  await eventually(() => /listening on (http:\S+)/.test(output), 20_000, 'the server to listen')
  const url = /listening on (http:\S+)/.exec(output)![1]!

  const load = runLoad(url, { workers: 4, eventsPerRequest: 10, maxRequests: 2_000, tag: 'sigterm' })
  await eventually(() => load.tally.acknowledged >= 1_000, 20_000, 'some load to be acknowledged')
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  const [code] = await Promise.race([exited, new Promise((_, reject) => setTimeout(() => reject(new Error(`no exit within 30 s:\n${output}`)), 30_000))]) as [number]
  const tally = await load.stop()

  expect(code).toBe(0)
  const drained = Number(/drained (\d+) events/.exec(output)?.[1])
  expect(drained).toBeGreaterThan(0)
  expect(output).toMatch(/0 could not be written/)
  const sql = createSql(database.url, { max: 1 })
  try {
    const [row] = await sql`select count(*)::int as n from events where payload->>'tag' = 'sigterm'`
    expect(row!.n).toBe(tally.acknowledged)
    expect(drained).toBe(tally.acknowledged) // nothing was flushed before: the interval is a minute
  } finally {
    await sql.end()
  }
})
