import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BurstLoadChanged } from '../shared/api.ts'
import type { BurstRecord, BurstSeriesPoint, BurstSpec } from '../shared/bursts.ts'
import { api, endedBurst, SMALL_BODY, startBurst } from './support/bursts.ts'
import { eventually, startTestSluice, type TestSluice } from './support/sluice.ts'

let sluice: TestSluice
beforeAll(async () => {
  sluice = await startTestSluice({ burstMaxConnections: 50, burstMaxRate: 1_000 })
})
afterAll(() => sluice?.stop())

const open = (level: number, durationMs: number): BurstSpec => ({ model: 'open', shape: { kind: 'steady', level }, durationMs, body: SMALL_BODY })
const closed = (level: number, durationMs: number): BurstSpec => ({ ...open(level, durationMs), model: 'closed' })

/** Waits until the running burst has recorded `seconds` whole seconds. */
async function secondsRecorded(id: string, seconds: number): Promise<void> {
  await eventually(async () => (await api<BurstRecord>(sluice.url, 'GET', `/api/bursts/${id}`)).body.series.length >= seconds, 20_000, `${seconds} seconds of burst ${id}`)
}

/** Requests sent in one second of the series. */
const sentIn = (point: BurstSeriesPoint) => Math.round((point.sentRate * point.durationMs) / 1_000)
const mean = (values: number[]) => values.reduce((a, b) => a + b, 0) / values.length

describe('PATCH /api/bursts/:id', () => {
  it('changes an open burst\'s rate from then on: the seconds after send more, and the run records the change', async () => {
    const id = await startBurst(sluice.url, open(20, 7_000))
    await secondsRecorded(id, 2)
    const patched = await api<BurstLoadChanged>(sluice.url, 'PATCH', `/api/bursts/${id}`, { rate: 100 })
    expect(patched.status).toBe(200)
    const change = patched.body.change
    expect(change).toMatchObject({ from: 20, to: 100, by: 'api' })
    expect(change.t).toBeGreaterThanOrEqual(2_000)
    expect(patched.body.summary.loadChanges).toEqual([change])

    const record = await endedBurst(sluice.url, id)
    expect(record.summary.status).toBe('finished')
    expect(record.summary.loadChanges).toEqual([change])
    const whole = record.series.filter((p) => p.durationMs === 1_000)
    const before = whole.filter((p) => p.t < change.t)
    const after = whole.filter((p) => p.t - p.durationMs >= change.t)
    expect(before.length).toBeGreaterThanOrEqual(2)
    expect(after.length).toBeGreaterThanOrEqual(2)
    // A 5x step: even a generator on a busy machine sends well over twice as much.
    expect(mean(after.map(sentIn))).toBeGreaterThan(2 * mean(before.map(sentIn)))
    expect(after.every((p) => p.target === 100)).toBe(true)
    expect(before.every((p) => p.target === 20)).toBe(true)

    // The report draws it on the rate chart and says it under the configuration.
    const html = await api<string>(sluice.url, 'GET', `/api/bursts/${id}?format=html`)
    expect(html.body).toContain('Load changed while it ran')
    expect(html.body).toMatch(/id="chart-rate" data-series="\d+" data-marks="1"/)

    // An ended run cannot be changed.
    expect(await api(sluice.url, 'PATCH', `/api/bursts/${id}`, { rate: 50 })).toMatchObject({ status: 409, body: { error: 'burst_ended', id } })
  })

  it('changes a closed burst\'s connections, and refuses what the caps or the model do not allow', async () => {
    const id = await startBurst(sluice.url, closed(2, 30_000))
    try {
      await secondsRecorded(id, 1)
      const refusals: Array<[unknown, string | null]> = [
        [{ connections: 51 }, 'connections'],
        [{ connections: 2.5 }, 'connections'],
        [{ connections: -1 }, 'connections'],
        [{ connections: '10' }, 'connections'],
        [{ rate: 10 }, 'rate'],
        [{}, 'connections'],
        [[5], null],
        ['{"connections": ', null],
      ]
      for (const [body, field] of refusals) {
        expect(await api(sluice.url, 'PATCH', `/api/bursts/${id}`, body), JSON.stringify(body)).toMatchObject({ status: 400, body: { error: 'invalid_load', field } })
      }
      expect(await api(sluice.url, 'PATCH', '/api/bursts/nope', { connections: 3 })).toMatchObject({ status: 404, body: { error: 'not_found' } })
      expect(await api(sluice.url, 'PATCH', `/api/bursts/${id}`, { connections: 3 }, { 'content-type': 'text/plain' })).toMatchObject({ status: 415 })
      // Another page cannot drive it (CSRF): the same guard as every control route.
      expect(await api(sluice.url, 'PATCH', `/api/bursts/${id}`, { connections: 3 }, { origin: 'http://evil.example' })).toMatchObject({ status: 403, body: { error: 'forbidden' } })

      const patched = await api<BurstLoadChanged>(sluice.url, 'PATCH', `/api/bursts/${id}`, { connections: 6 })
      expect(patched).toMatchObject({ status: 200, body: { change: { from: 2, to: 6 } } })
      const t = patched.body.change.t
      await eventually(async () => (await api<BurstRecord>(sluice.url, 'GET', `/api/bursts/${id}`)).body.series.some((p) => p.t - p.durationMs >= t), 20_000, 'a second after the change')
    } finally {
      await api(sluice.url, 'DELETE', `/api/bursts/${id}`)
    }
    const record = await endedBurst(sluice.url, id)
    expect(record.summary.loadChanges).toMatchObject([{ from: 2, to: 6 }])
    const t = record.summary.loadChanges![0]!.t
    expect(record.series.filter((p) => p.t - p.durationMs >= t && p.durationMs === 1_000).every((p) => p.target === 6)).toBe(true)
  })

  it('refuses an open burst\'s rate over the cap, and connections', async () => {
    const id = await startBurst(sluice.url, open(10, 30_000))
    try {
      await secondsRecorded(id, 1)
      expect(await api(sluice.url, 'PATCH', `/api/bursts/${id}`, { rate: 1_001 })).toMatchObject({ status: 400, body: { error: 'invalid_load', field: 'rate' } })
      expect(await api(sluice.url, 'PATCH', `/api/bursts/${id}`, { connections: 5 })).toMatchObject({ status: 400, body: { error: 'invalid_load', field: 'connections' } })
      expect(await api(sluice.url, 'PATCH', `/api/bursts/${id}`, { rate: 12.5 })).toMatchObject({ status: 200, body: { change: { from: 10, to: 12.5 } } })
    } finally {
      await api(sluice.url, 'DELETE', `/api/bursts/${id}`)
    }
  })
})
