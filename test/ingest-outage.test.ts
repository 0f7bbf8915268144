import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createSql, type Sql } from '../server/db/client.ts'
import { startEmbedded, type EmbeddedDatabase } from '../server/db/embedded.ts'
import { startSluice, type Sluice } from '../server/sluice.ts'
import { runLoad } from './support/load.ts'
import { eventually, testConfig } from './support/sluice.ts'

// This test stops and restarts PostgreSQL, so it has a cluster of its own.
const dataDir = mkdtempSync(path.join(tmpdir(), 'sluice-outage-'))
let database: EmbeddedDatabase
let sluice: Sluice | undefined
let db: Sql | undefined

beforeAll(async () => {
  database = await startEmbedded({ dataDir, settings: { fsync: 'off' } })
})
afterAll(async () => {
  // The cluster goes whatever happens to the server's close: a leaked postmaster outlives the run.
  try {
    await Promise.race([sluice?.close(), new Promise((resolve) => setTimeout(resolve, 20_000))])
    await db?.end({ timeout: 1 })
  } finally {
    await database?.stop()
    rmSync(dataDir, { recursive: true, force: true })
  }
})

it('keeps every acknowledged event through a database outage, refusing new work meanwhile', async () => {
  sluice = await startSluice(testConfig(database.url, { queueMaxEvents: 2_000 }))
  const load = runLoad(sluice.url, { workers: 4, eventsPerRequest: 10, maxRequests: 3_000, tag: 'outage' })
  await eventually(() => sluice!.pipeline.stats.eventsCommitted > 200, 10_000, 'load to be flowing')

  await database.stop()
  await eventually(() => sluice!.pipeline.gauges().databaseDown, 10_000, 'the writer to notice the outage')
  await eventually(() => (load.tally.statuses.get(503) ?? 0) > 0, 10_000, 'the queue to fill and new requests to get 503')
  const readyz = await fetch(`${sluice.url}/readyz`)
  expect(readyz.status).toBe(503)
  expect(await fetch(`${sluice.url}/livez`).then((r) => r.status)).toBe(200)

  database = await startEmbedded({ dataDir, port: database.port, settings: { fsync: 'off' } })
  await eventually(() => !sluice!.pipeline.gauges().databaseDown, 20_000, 'the writer to recover')
  await new Promise((resolve) => setTimeout(resolve, 300))
  const tally = await load.stop()
  await eventually(() => sluice!.pipeline.gauges().queue.events === 0 && sluice!.pipeline.stats.writerState === 'idle', 20_000, 'the queue to drain')

  db = createSql(database.url, { max: 1 })
  const [row] = await db`select count(*)::int as n from events where payload->>'tag' = 'outage'`
  expect(tally.acknowledged).toBeGreaterThan(200)
  expect(row!.n).toBe(tally.acknowledged)
  expect(sluice.pipeline.stats.dbRetries).toBeGreaterThan(0)
  expect((await fetch(`${sluice.url}/readyz`)).status).toBe(200)
})
