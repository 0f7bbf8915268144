import { afterAll, beforeAll, expect, it } from 'vitest'
import type { BurstList, BurstStarted } from '../shared/api.ts'
import type { EffectiveConfig } from '../shared/config.ts'
import type { Annotation } from '../shared/sse.ts'
import { startSluice, type Sluice } from '../server/sluice.ts'
import { api, SMALL_BODY, startBurst } from './support/bursts.ts'
import { eventually, freshDatabase, testConfig } from './support/sluice.ts'
import { SseClient } from './support/sse.ts'

// Two instances in this process on one database: a fleet, as two machines would be.
let database: Awaited<ReturnType<typeof freshDatabase>>
const running = new Set<Sluice>()
let a: Sluice
let b: Sluice

async function start(): Promise<Sluice> {
  const sluice = await startSluice(testConfig(database.url, { burstMaxRate: 1_000, burstMaxDurationMs: 60_000 }))
  running.add(sluice)
  return sluice
}

async function stop(sluice: Sluice): Promise<void> {
  running.delete(sluice)
  await sluice.close()
}

beforeAll(async () => {
  database = await freshDatabase()
  a = await start()
  b = await start()
})

afterAll(async () => {
  for (const sluice of running) await sluice.close()
  await database?.drop()
})

const config = async (sluice: Sluice) => (await api<EffectiveConfig>(sluice.url, 'GET', '/api/config')).body

it('applies a PATCH through one instance on the other, and on one that starts later', async () => {
  expect((await api(a.url, 'PATCH', '/api/config', { batchMaxEvents: 1234, dbLatencyMs: 3 })).status).toBe(200)
  await eventually(async () => (await config(b)).live.batchMaxEvents === 1234, 10_000, 'the change on the other instance')
  expect((await config(b)).live).toEqual((await config(a)).live)
  const later = await start()
  try {
    expect((await config(later)).live).toMatchObject({ batchMaxEvents: 1234, dbLatencyMs: 3 })
  } finally {
    await stop(later)
  }
})

it('puts a note made through one instance on every instance, under one id', async () => {
  const posted = await api<Annotation>(b.url, 'POST', '/api/annotations', { text: 'fleet note' })
  expect(posted.status).toBe(201)
  await eventually(() => a.telemetry.annotations.recent().some((note) => note.id === posted.body.id), 10_000, 'the note on the other instance')
  // The same note, placed after the other instance's own latest tick.
  const { afterSeq: _, ...note } = posted.body
  expect(a.telemetry.annotations.recent()).toEqual([{ ...note, afterSeq: expect.any(Number) }])
  expect(b.telemetry.annotations.recent()).toEqual([posted.body])
})

it('runs one burst across the fleet: the other instance refuses a second, lists it, shows its progress and stops it', async () => {
  // The other instance's own stream, as a dashboard connected to it reads it.
  const stream = await SseClient.open(b.url)
  const progress = () => stream.all('burst')
  try {
    const id = await startBurst(a.url, { model: 'open', shape: { kind: 'steady', level: 20 }, durationMs: 30_000, body: SMALL_BODY })
    const second = await api<{ error: string; id: string }>(b.url, 'POST', '/api/bursts', { spec: { model: 'open', shape: { kind: 'steady', level: 5 }, durationMs: 1_000, body: SMALL_BODY } })
    expect(second).toMatchObject({ status: 409, body: { error: 'burst_running', id } })
    expect((await api<BurstList>(b.url, 'GET', '/api/bursts')).body.running).toBe(id)
    await stream.until(() => progress().some((p) => p.id === id && p.phase === 'tick'), 10_000, 'the run\'s ticks on the other instance\'s stream')

    const stopped = await api<BurstStarted>(b.url, 'DELETE', `/api/bursts/${id}`)
    expect(stopped.status).toBe(200)
    expect(stopped.body.summary.status).toBe('stopped')
    expect(a.bursts.running).toBeUndefined()
    await stream.until(() => progress().some((p) => p.id === id && p.phase === 'stopped'), 10_000, 'the end on the other instance\'s stream')
    // The slot is free again once the owner has let go of it, for either instance.
    let next: string | undefined
    await eventually(async () => {
      const started = await api<BurstStarted>(b.url, 'POST', '/api/bursts', { spec: { model: 'open', shape: { kind: 'steady', level: 5 }, durationMs: 500, body: SMALL_BODY } })
      next = started.status === 201 ? started.body.id : undefined
      return next !== undefined
    }, 10_000, 'the burst slot to be free')
    await eventually(async () => (await api<BurstList>(b.url, 'GET', '/api/bursts')).body.running === null, 10_000, `burst ${next} to end`)
  } finally {
    stream.close()
  }
})

it('starts from its environment once the whole fleet has stopped', async () => {
  await stop(a)
  await stop(b)
  a = await start()
  b = await start()
  expect((await config(a)).live.batchMaxEvents).toBe(testConfig(database.url).batchMaxEvents)
  expect(a.telemetry.annotations.recent()).toEqual([])
})
