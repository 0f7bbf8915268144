import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BurstRecord } from '../shared/bursts.ts'
import { api, endedBurst, expectAllAnswered, runBurst, SMALL_BODY, startBurst } from './support/bursts.ts'
import { postEvents } from './support/post.ts'
import { eventually, startTestSluice, type TestSluice } from './support/sluice.ts'

let sluice: TestSluice
beforeAll(async () => {
  sluice = await startTestSluice()
})
afterAll(() => sluice?.stop())

const alive = (pid: number) => {
  try {
    process.kill(pid, 0)
    return true
  } catch {
    return false
  }
}
const parentOf = (pid: number) => Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')[1])

async function generatorPid(id: string): Promise<number> {
  let pid: number | null = null
  await eventually(async () => {
    pid = (await api<BurstRecord>(sluice.url, 'GET', `/api/bursts/${id}`)).body.summary.generator.pid
    return pid !== null
  }, 5_000, 'the generator\'s pid')
  return pid!
}

describe('the generator process', () => {
  it('is a child of the server with a pid of its own, reports its own CPU, and is gone when the run ends', async () => {
    const id = await startBurst(sluice.url, { model: 'open', shape: { kind: 'steady', level: 40 }, durationMs: 1_500, body: SMALL_BODY })
    const pid = await generatorPid(id)
    // The server runs in this test's process.
    expect(pid).not.toBe(process.pid)
    expect(parentOf(pid)).toBe(process.pid)
    expect(readFileSync(`/proc/${pid}/cmdline`, 'utf8')).toContain('worker.mjs')

    const record = await endedBurst(sluice.url, id)
    expect(record.summary).toMatchObject({ status: 'finished', generator: { pid } })
    expectAllAnswered(record.summary, 60, 202)
    expect(record.summary.generator.cpuMaxCores).toBeGreaterThan(0)
    expect(record.series.every((point) => point.cpu.generator !== null && point.cpu.server >= 0)).toBe(true)
    // The test database is external to the server: its CPU is not the server's to read.
    expect(record.series.every((point) => point.cpu.database === null)).toBe(true)
    await eventually(() => !alive(pid), 2_000, 'the generator to exit')

    const csv = (await api<string>(sluice.url, 'GET', `/api/bursts/${id}?format=csv`)).body.trim().split('\n').map((line) => line.split(','))
    const column = (name: string) => csv.slice(1).map((row) => row[csv[0]!.indexOf(name)])
    expect(column('cpu_generator_cores').map(Number)).toEqual(record.series.map((point) => point.cpu.generator))
    expect(column('cpu_database_cores').every((cell) => cell === '')).toBe(true)
    expect(column('warmup')).toEqual(record.series.map(() => '0'))
  })

  it('killed mid-run, fails the run while the server keeps serving', async () => {
    const id = await startBurst(sluice.url, { model: 'closed', shape: { kind: 'steady', level: 2 }, durationMs: 30_000, body: SMALL_BODY })
    const pid = await generatorPid(id)
    const before = sluice.pipeline.stats.requests
    await eventually(() => sluice.pipeline.stats.requests > before + 10, 10_000, 'the burst to get going')

    process.kill(pid, 'SIGKILL')
    const record = await endedBurst(sluice.url, id, 5_000)
    expect(record.summary.status).toBe('failed')
    expect(record.summary.error).toMatch(/SIGKILL/)

    expect((await postEvents(sluice.url, JSON.stringify({ type: 'after' }))).status).toBe(202)
    // And the next burst runs.
    const next = await runBurst(sluice.url, { model: 'open', shape: { kind: 'steady', level: 10 }, durationMs: 500, body: SMALL_BODY })
    expect(next.status).toBe('finished')
    expectAllAnswered(next, 5, 202)
  })

  it('exits when the server that forked it dies', async () => {
    // A stand-in server: forks the generator on a long burst against our Sluice, prints its pid, then waits.
    const entry = fileURLToPath(new URL('../server/load/worker.mjs', import.meta.url))
    const { port } = new URL(sluice.url)
    const input = { spec: { model: 'closed', shape: { kind: 'steady', level: 1 }, durationMs: 60_000, body: SMALL_BODY }, host: '127.0.0.1', port: Number(port), token: undefined, maxConnections: 10, tickMs: 250 }
    const script = `
      const { fork } = require('node:child_process')
      const child = fork(${JSON.stringify(entry)}, [], { execArgv: [], stdio: ['ignore', 'ignore', 'inherit', 'ipc'] })
      child.send({ type: 'start', input: ${JSON.stringify(input)} })
      child.on('message', (m) => { if (m.type === 'clock') console.log(child.pid) })
      setTimeout(() => {}, 60_000)`
    const server = spawn(process.execPath, ['-e', script], { stdio: ['ignore', 'pipe', 'inherit'] })
    let child: number | undefined
    try {
      let out = ''
      server.stdout!.on('data', (chunk: Buffer) => (out += chunk))
      await eventually(() => /^\d+\n/.test(out), 10_000, 'the generator to start its clock')
      child = Number(out.trim())
      expect(alive(child)).toBe(true)

      server.kill('SIGKILL')
      await eventually(() => !alive(child!), 3_000, 'the orphaned generator to exit')
    } finally {
      server.kill('SIGKILL')
      if (child !== undefined && alive(child)) process.kill(child, 'SIGKILL')
    }
  })
})
