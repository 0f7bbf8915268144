import { closeSync, existsSync, mkdtempSync, openSync, readdirSync, readSync, rmSync, statSync, writeSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { createSql } from '../server/db/client.ts'
import { parseExposition, valueOf } from './support/exposition.ts'
import { runLoad } from './support/load.ts'
import { NDJSON, ndjson, postEvents } from './support/post.ts'
import { ready, startServerProcess, type ServerProcess } from './support/process.ts'
import { eventually, freshDatabase } from './support/sluice.ts'

const EVENTS_PER_REQUEST = 10
const cleanups: Array<() => Promise<void> | void> = []
const running: ServerProcess[] = []
afterEach(async () => {
  for (const server of running.splice(0)) await server.kill()
})
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

/** A database and a spool folder of its own for one test. */
async function setting() {
  const database = await freshDatabase()
  const spoolDir = mkdtempSync(path.join(tmpdir(), 'sluice-spool-'))
  cleanups.push(() => rmSync(spoolDir, { recursive: true, force: true }), () => database.drop())
  // CPU admission, which sheds on a busy machine, stays out of tests about durability.
  const env = { DATABASE_URL: database.url, SLUICE_DURABILITY: 'spool', SLUICE_SPOOL_DIR: spoolDir, SLUICE_ADMISSION: 'off' }
  const start = async (extra: Record<string, string> = {}) => {
    const server = await startServerProcess({ ...env, ...extra })
    running.push(server)
    return server
  }
  return { database, spoolDir, start }
}

/** Rows of `tag` by request and event number: how many times each is stored. */
async function storedCounts(url: string, tag: string): Promise<Map<string, number>> {
  const sql = createSql(url, { max: 1 })
  try {
    const rows = await sql`select payload->>'n' as n, payload->>'i' as i, count(*)::int as copies from events where payload->>'tag' = ${tag} group by 1, 2`
    return new Map(rows.map((row) => [`${row.n}/${row.i}`, row.copies as number]))
  } finally {
    await sql.end()
  }
}

/** Every acknowledged event stored once, and nothing stored twice (an unanswered request may be stored once). */
function expectExactlyOnce(stored: Map<string, number>, ackedRequests: number[]) {
  const duplicated = [...stored].filter(([, copies]) => copies !== 1)
  expect(duplicated).toEqual([])
  const missing = ackedRequests.flatMap((n) => Array.from({ length: EVENTS_PER_REQUEST }, (_, i) => `${n}/${i}`)).filter((key) => !stored.has(key))
  expect(missing).toEqual([])
}

async function metric(url: string, name: string): Promise<number> {
  return valueOf(parseExposition(await (await fetch(`${url}/metrics`)).text()), name)
}

describe.each([false, true])('SIGKILL under load, with ids: %s', (ids) => {
  it('stores every acknowledged event exactly once after the restart', async () => {
    const { database, start } = await setting()
    const tag = `kill-${ids}`
    const first = await start()
    await ready(first.url)
    // A slow database keeps a backlog in the spool, so the kill finds events unwritten.
    const patched = await fetch(`${first.url}/api/config`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dbLatencyMs: 100 }) })
    expect(patched.status).toBe(200)
    const load = runLoad(first.url, { workers: 4, eventsPerRequest: EVENTS_PER_REQUEST, maxRequests: 3_000, tag, ids })
    await eventually(() => load.tally.acknowledged >= 2_000, 20_000, 'load to be acknowledged')
    await first.kill()
    const tally = await load.stop()

    const second = await start()
    await ready(second.url)
    expect(await metric(second.url, 'sluice_spool_replayed_events')).toBeGreaterThan(0)
    expectExactlyOnce(await storedCounts(database.url, tag), tally.ackedRequests)
    expect(tally.ackedRequests.length * EVENTS_PER_REQUEST).toBe(tally.acknowledged)
    // Two real starts under tsx, a load and a replay: at load 11 this passed the 60 s default.
  }, 120_000)
})

it('writes nothing twice when the kill lands between a COPY commit and the spool hearing of it', async () => {
  const { database, start } = await setting()
  const tag = 'hook'
  const first = await start({ SLUICE_SPOOL_TEST_KILL_AFTER_COMMITS: '3', SLUICE_FLUSH_INTERVAL_MS: '20' })
  await ready(first.url)
  const load = runLoad(first.url, { workers: 4, eventsPerRequest: EVENTS_PER_REQUEST, maxRequests: 3_000, tag })
  const ended = await Promise.race([first.exited, new Promise((_, reject) => setTimeout(() => reject(new Error(`no self-kill within 20 s:\n${first.output()}`)), 20_000))])
  const tally = await load.stop()
  expect(ended).toEqual({ code: null, signal: 'SIGKILL' })
  // The third batch is in the table, and its records still in the spool.
  expect((await storedCounts(database.url, tag)).size).toBeGreaterThan(0)

  const second = await start()
  await ready(second.url)
  expect(second.output()).toMatch(/spool at .*: [1-9]\d* records on disk/)
  expectExactlyOnce(await storedCounts(database.url, tag), tally.ackedRequests)
})

it('cuts a torn last record, replays the good ones and counts the torn one', async () => {
  const { database, spoolDir, start } = await setting()
  const tag = 'torn'
  // Nothing is written before the kill: every acknowledged event waits in the spool.
  const first = await start({ SLUICE_FLUSH_INTERVAL_MS: '60000', SLUICE_BATCH_MAX_EVENTS: '1000000' })
  await ready(first.url)
  const acked: number[] = []
  for (let n = 0; n < 20; n++) {
    const response = await postEvents(first.url, ndjson(Array.from({ length: EVENTS_PER_REQUEST }, (_, i) => ({ tag, n, i }))), NDJSON)
    expect(response.status).toBe(202)
    acked.push(n)
  }
  await first.kill()

  // A crash mid-write: the head of a record and half its payload, the rest never reached the disk.
  const segment = readdirSync(spoolDir).filter((name) => name.endsWith('.seg')).sort().at(-1)!
  const file = path.join(spoolDir, segment)
  const sizeBefore = statSync(file).size
  const fd = openSync(file, 'r+')
  try {
    const head = Buffer.alloc(28)
    readSync(fd, head, 0, 28, 0)
    const torn = Buffer.alloc(28 + Math.floor(head.readUInt32LE(0) / 2))
    readSync(fd, torn, 0, torn.length, 0)
    writeSync(fd, torn, 0, torn.length, sizeBefore)
  } finally {
    closeSync(fd)
  }

  const second = await start()
  await ready(second.url)
  expect(second.output()).toMatch(/torn or corrupt record at byte \d+/)
  expect(await metric(second.url, 'sluice_spool_torn_records')).toBe(1)
  expect(await metric(second.url, 'sluice_spool_replayed_events')).toBe(acked.length * EVENTS_PER_REQUEST)
  expectExactlyOnce(await storedCounts(database.url, tag), acked)
  // Replayed and committed, the segment that held them goes.
  await eventually(() => !existsSync(file), 5_000, 'the replayed segment to be deleted')
})

it('writes out the spool on SIGTERM and exits 0, leaving nothing to replay', async () => {
  const { database, start } = await setting()
  const tag = 'sigterm-spool'
  const server = await start({ SLUICE_FLUSH_INTERVAL_MS: '60000', SLUICE_BATCH_MAX_EVENTS: '1000000' })
  await ready(server.url)
  for (let n = 0; n < 20; n++) {
    expect((await postEvents(server.url, ndjson(Array.from({ length: EVENTS_PER_REQUEST }, (_, i) => ({ tag, n, i }))), NDJSON)).status).toBe(202)
  }
  server.child.kill('SIGTERM')
  const ended = await Promise.race([server.exited, new Promise((_, reject) => setTimeout(() => reject(new Error(`no exit within 30 s:\n${server.output()}`)), 30_000))])
  expect(ended).toEqual({ code: 0, signal: null })
  expect(server.output()).toMatch(/drained 200 events to the database; 0 could not be written\n/)
  expectExactlyOnce(await storedCounts(database.url, tag), Array.from({ length: 20 }, (_, n) => n))

  const again = await start()
  await ready(again.url)
  expect(await metric(again.url, 'sluice_spool_replayed_events')).toBe(0)
})
