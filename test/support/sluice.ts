import { randomBytes } from 'node:crypto'
import { inject } from 'vitest'
import { loadConfig, type Config } from '../../server/config.ts'
import { createSql, type Sql } from '../../server/db/client.ts'
import { startSluice, type Sluice } from '../../server/sluice.ts'

const adminUrl = () => inject('databaseUrl')

/** A database of its own for one test file, dropped by `drop()`. */
export async function freshDatabase(): Promise<{ url: string; drop(): Promise<void> }> {
  const name = `sluice_test_${randomBytes(6).toString('hex')}`
  const admin = createSql(adminUrl(), { max: 1 })
  await admin.unsafe(`create database ${name}`)
  await admin.end()
  const url = new URL(adminUrl())
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    async drop() {
      const sql = createSql(adminUrl(), { max: 1 })
      await sql.unsafe(`drop database if exists ${name} with (force)`)
      await sql.end()
    },
  }
}

export interface TestSluice extends Sluice {
  /** A separate client for assertions. */
  readonly db: Sql
  /** Counts rows in events. */
  rows(): Promise<number>
  /** close() plus dropping the test database. */
  stop(): Promise<void>
}

/**
 * What every test server starts with: a free loopback port, no log lines, and admission
 * off unless asked for. Admission sheds on this process's event-loop delay, which on a
 * shared machine follows the machine's load: a test about anything else would get 429s.
 */
export function testConfig(databaseUrl: string, overrides: Partial<Config> = {}): Config {
  return loadConfig({}, { port: 0, logLevel: 'silent', databaseUrl, admission: 'off', ...overrides })
}

/** Starts a real Sluice on a free loopback port against a fresh database. */
export async function startTestSluice(overrides: Partial<Config> = {}): Promise<TestSluice> {
  const database = await freshDatabase()
  const config = testConfig(database.url, overrides)
  const sluice = await startSluice(config)
  const db = createSql(database.url, { max: 2 })
  return Object.assign(sluice, {
    db,
    async rows() {
      const [row] = await db`select count(*)::int as n from events`
      return row!.n as number
    },
    async stop() {
      await sluice.close()
      await db.end({ timeout: 1 })
      await database.drop()
    },
  })
}

/** Polls `check` until it returns true, failing after `timeoutMs`. */
export async function eventually(check: () => boolean | Promise<boolean>, timeoutMs = 10_000, what = 'condition'): Promise<void> {
  const deadline = performance.now() + timeoutMs
  while (!(await check())) {
    if (performance.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 20))
  }
}
