import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BurstSpec, BurstSummary } from '../shared/bursts.ts'
import { endedBurst, runBurst, SMALL_BODY, startBurst } from './support/bursts.ts'
import { eventually, startTestSluice, type TestSluice } from './support/sluice.ts'

let sluice: TestSluice
beforeAll(async () => {
  sluice = await startTestSluice()
})
afterAll(() => sluice?.stop())

const STALL_MS = 400

/** Blocks the server's thread (the test's own) once, `atMs` after the burst's first request arrives. */
async function burstWithStall(spec: BurstSpec, atMs: number): Promise<BurstSummary> {
  const before = sluice.pipeline.stats.requests
  const id = await startBurst(sluice.url, spec)
  // A burst starts a worker thread that compiles its TypeScript first: seconds on a busy machine.
  await eventually(() => sluice.pipeline.stats.requests > before, 20_000, 'the first request')
  await new Promise((resolve) => setTimeout(resolve, atMs))
  const until = performance.now() + STALL_MS
  while (performance.now() < until) {
    // Busy on purpose: the server answers nothing while this runs.
  }
  return (await endedBurst(sluice.url, id)).summary
}

describe('open and closed models under a stall', () => {
  it('the open model counts the stall against every request scheduled during it; the closed model sees it once per connection', async () => {
    const open = await burstWithStall({ model: 'open', shape: { kind: 'steady', level: 100 }, durationMs: 2_000, body: SMALL_BODY }, 500)
    const closed = await burstWithStall({ model: 'closed', shape: { kind: 'steady', level: 1 }, durationMs: 2_000, body: SMALL_BODY }, 500)

    // Open: ~40 of ~200 requests were due during the stall, waiting up to its length.
    expect(open.requests.intended).toBe(200)
    expect(open.statuses).toEqual({ 202: open.requests.sent })
    expect(open.latency.max).toBeGreaterThanOrEqual(STALL_MS * 0.8)
    expect(open.latency.p99).toBeGreaterThanOrEqual(STALL_MS * 0.6)
    expect(open.latency.p90).toBeGreaterThanOrEqual(STALL_MS * 0.1)

    // Closed: its one connection waited once, then sent on; the stall is a single sample
    // among many, so its percentiles hide what the open model shows. How much of the stall
    // that one request caught depends on when the generator, a process of its own, next got
    // the CPU: on a busy machine 140 ms of it passed first (measured). Not compared at p99:
    // a closed run that got fewer than 100 answers on a starved machine has its one stalled
    // sample as p99 (424 ms against the open run's 381, seen at load 12).
    expect(closed.latency.max).toBeGreaterThanOrEqual(STALL_MS * 0.5)
    expect(closed.latency.p90).toBeLessThan(open.latency.p90)
  }, 90_000)
})

describe('closed model', () => {
  it('never has more than C requests in flight at the server', async () => {
    let highWater = 0
    const pipeline = sluice.pipeline
    const admit = pipeline.admit.bind(pipeline)
    pipeline.admit = (reserve: number) => {
      const admission = admit(reserve)
      highWater = Math.max(highWater, pipeline.inflightRequests)
      return admission
    }
    try {
      // Commit acks hold each request ~50 ms (the flush interval): the connections overlap.
      const summary = await runBurst(sluice.url, { model: 'closed', shape: { kind: 'step', levels: [2, 5] }, durationMs: 1_500, body: SMALL_BODY, ack: 'commit' })
      expect(summary.statuses['200']).toBe(summary.requests.sent)
      expect(highWater).toBeLessThanOrEqual(5)
      expect(highWater).toBeGreaterThanOrEqual(3)
    } finally {
      pipeline.admit = admit
    }
  })
})

describe('generator saturation', () => {
  let capped: TestSluice
  beforeAll(async () => {
    capped = await startTestSluice({ burstMaxConnections: 2 })
  })
  afterAll(() => capped?.stop())

  it('says so with late and skipped sends when it cannot keep the asked rate', async () => {
    capped.pipeline.setKnobs({ dbLatencyMs: 100 }, 'test')
    // Two connections, each answer ~150 ms away: about 13 requests/s possible, 500 asked.
    const summary = await runBurst(capped.url, { model: 'open', shape: { kind: 'steady', level: 500 }, durationMs: 1_500, body: SMALL_BODY, ack: 'commit' })
    expect(summary.requests.intended).toBe(750)
    expect(summary.requests.sent).toBeLessThan(summary.requests.intended)
    expect(summary.requests.late).toBeGreaterThan(0)
    expect(summary.requests.skipped).toBe(summary.requests.intended - summary.requests.sent)
    expect(summary.generatorSaturated).toBe(true)
    expect(summary.rates.offered).toBeCloseTo(500, -1)
    expect(summary.rates.achieved).toBeLessThan(summary.rates.offered / 2)
    // The latency of what was sent counts from when it was due: it includes the wait for a connection.
    expect(summary.latency.max).toBeGreaterThan(500)
  })
})
