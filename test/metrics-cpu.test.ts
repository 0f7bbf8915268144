import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { createSql } from '../server/db/client.ts'
import { cpuSampler, treeCpuSeconds } from '../server/metrics/cpu.ts'
import { freshDatabase } from './support/sluice.ts'

const parentOf = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1])

describe('the CPU sampler', () => {
  it('reads PostgreSQL\'s CPU across its processes, and keeps a closed backend\'s time in the sum', async () => {
    const database = await freshDatabase()
    const sql = createSql(database.url, { max: 1 })
    try {
      const [row] = await sql`select pg_backend_pid() as pid`
      // Every backend is a child of the postmaster.
      const postmaster = parentOf(row!.pid as number)
      const sampler = cpuSampler({ databasePid: postmaster })
      const before = treeCpuSeconds(postmaster)!
      await sql`select count(*) from generate_series(1, 3000000)`
      // A window shorter than the sampler's minimum would give back its previous reading.
      await new Promise((resolve) => setTimeout(resolve, 120))
      const cores = sampler.sample()
      expect(cores.database).toBeGreaterThan(0)
      expect(cores.server).toBeGreaterThanOrEqual(0)
      expect(cores.generator).toBeNull()

      // The backend that did the work exits; its time moves into the postmaster's reaped-children total.
      const worked = treeCpuSeconds(postmaster)!
      expect(worked).toBeGreaterThan(before)
      await sql.end({ timeout: 5 })
      const deadline = performance.now() + 5_000
      while (readFileSync(`/proc/${postmaster}/task/${postmaster}/children`, 'utf8').split(' ').includes(String(row!.pid)) && performance.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
      expect(treeCpuSeconds(postmaster)!).toBeGreaterThanOrEqual(worked)
    } finally {
      await sql.end({ timeout: 1 })
      await database.drop()
    }
  })

  it('says null for a database it cannot see and a generator that is not running', async () => {
    const sampler = cpuSampler({ generatorPid: () => undefined })
    await new Promise((resolve) => setTimeout(resolve, 150))
    expect(sampler.sample()).toMatchObject({ database: null, generator: null, server: expect.any(Number) })
  })
})
