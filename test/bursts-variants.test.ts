import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BurstList } from '../shared/api.ts'
import type { BurstSummary } from '../shared/bursts.ts'
import { compareSentence, groupRuns } from '../shared/compare.ts'
import { api, runBurst, SMALL_BODY } from './support/bursts.ts'
import { eventually, startTestSluice, type TestSluice } from './support/sluice.ts'

let sluice: TestSluice
beforeAll(async () => {
  sluice = await startTestSluice({ burstMaxConnections: 50, burstMaxRate: 1_000, burstMaxDurationMs: 60_000 })
})
afterAll(() => sluice?.stop())

const steady = { model: 'open', shape: { kind: 'steady', level: 100 }, durationMs: 1_500, body: SMALL_BODY } as const

/** Waits (with a deadline) until the group has `count` ended runs and nothing runs, and returns them in variant order. */
async function endedGroup(group: string, count: number, timeoutMs = 30_000): Promise<BurstSummary[]> {
  let runs: BurstSummary[] = []
  await eventually(async () => {
    const { body } = await api<BurstList>(sluice.url, 'GET', '/api/bursts')
    runs = groupRuns(body.bursts).get(group) ?? []
    return body.running === null && runs.length === count && runs.every((run) => run.status !== 'running')
  }, timeoutMs, `the ${count} runs of ${group} to end`)
  return runs
}

describe('comparisons: one load, once per variant', () => {
  it('runs each variant in turn with its knobs, records group, label and every knob, and puts the knobs back', async () => {
    const started = await api<{ id: string; group: string }>(sluice.url, 'POST', '/api/bursts', {
      spec: { ...steady, knobs: { ack: 'commit' } },
      variants: [{ label: 'direct', knobs: { writer: 'direct' } }, { label: 'copy', knobs: { writer: 'copy', batchMaxEvents: 100 } }],
    })
    expect(started.status).toBe(201)
    expect(started.body.group).toMatch(/^custom-/)
    // A second burst waits for the whole comparison, not just its first arm.
    expect((await api(sluice.url, 'POST', '/api/bursts', { spec: steady })).status).toBe(409)

    const [direct, copy] = await endedGroup(started.body.group, 2)
    expect(direct!.id).toBe(started.body.id)
    expect(direct).toMatchObject({ status: 'finished', variant: 'direct', variants: ['direct', 'copy'], knobs: { writer: 'direct', ack: 'commit', batchMaxEvents: sluice.config.batchMaxEvents } })
    expect(copy).toMatchObject({ status: 'finished', variant: 'copy', variants: ['direct', 'copy'], knobs: { writer: 'copy', ack: 'commit', batchMaxEvents: 100 } })
    expect(copy!.startedAt).toBeGreaterThanOrEqual(direct!.endedAt!)
    // Every knob is recorded, not only the ones the run set.
    expect(Object.keys(direct!.knobs).sort()).toEqual(Object.keys(sluice.pipeline.knobs).sort())
    for (const run of [direct!, copy!]) {
      expect(run.server.eventsAccepted).toBeGreaterThan(0)
      expect(run.statuses['200']).toBeGreaterThan(0) // ack=commit answers 200
      expect(run.server.rssAfterBytes).toBeGreaterThan(0)
      expect(run.server.peakHeapBytes).toBeGreaterThan(0)
    }
    expect(sluice.pipeline.knobs).toMatchObject({ writer: 'copy', ack: 'queued', batchMaxEvents: sluice.config.batchMaxEvents })
    const sentence = compareSentence([direct!, copy!])
    expect(sentence).toMatch(/^(copy|direct) .*(direct|copy).*; p99 \d+ ms vs \d+ ms/)
  })

  it('records every knob in force for a single run too, with no group', async () => {
    const summary = await runBurst(sluice.url, { ...steady, durationMs: 500, knobs: { flushIntervalMs: 20 } })
    expect(summary.group).toBeUndefined()
    expect(summary.knobs).toMatchObject({ flushIntervalMs: 20, writer: 'copy', bodyReading: 'stream' })
    expect(sluice.pipeline.knobs.flushIntervalMs).toBe(sluice.config.flushIntervalMs)
  })

  it('stopping an arm ends the comparison: the later arms never start', async () => {
    const started = await api<{ id: string; group: string }>(sluice.url, 'POST', '/api/bursts', {
      spec: { ...steady, durationMs: 10_000 },
      variants: [{ label: 'a', knobs: {} }, { label: 'b', knobs: {} }, { label: 'c', knobs: {} }],
    })
    expect(started.status).toBe(201)
    expect((await api(sluice.url, 'DELETE', `/api/bursts/${started.body.id}`)).status).toBe(200)
    const runs = await endedGroup(started.body.group, 1)
    expect(runs.map((run) => [run.variant, run.status])).toEqual([['a', 'stopped']])
  })

  it.each([
    ['one variant', [{ label: 'a', knobs: {} }], 'variants'],
    ['twin labels', [{ label: 'a', knobs: {} }, { label: 'a', knobs: {} }], 'variants[1].label'],
    ['a bad knob', [{ label: 'a', knobs: {} }, { label: 'b', knobs: { writer: 'fast' } }], 'knobs.writer'],
  ])('refuses %s with 400 and starts nothing', async (_name, variants, field) => {
    const { status, body } = await api(sluice.url, 'POST', '/api/bursts', { spec: steady, variants })
    expect(status).toBe(400)
    expect(body).toMatchObject({ error: 'invalid_spec', field })
    expect((await api<BurstList>(sluice.url, 'GET', '/api/bursts')).body.running).toBeNull()
  })
})
