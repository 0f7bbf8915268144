import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WARMUP_MS, type BurstSeriesPoint } from '../shared/bursts.ts'
import { endedBurst, expectAllAnswered, SMALL_BODY, startBurst } from './support/bursts.ts'
import { eventually, startTestSluice, type TestSluice } from './support/sluice.ts'

let sluice: TestSluice
beforeAll(async () => {
  sluice = await startTestSluice()
})
afterAll(() => sluice?.stop())

/** Each row ends one second after the one before, from 1 s; only the last may be shorter. */
function expectEverySecond(series: readonly BurstSeriesPoint[]): void {
  expect(series.length).toBeGreaterThanOrEqual(2)
  series.forEach((point, index) => {
    const last = index === series.length - 1
    if (!last || point.durationMs === 1_000) expect([point.t, point.durationMs]).toEqual([(index + 1) * 1_000, 1_000])
    else expect(point.t).toBe(index * 1_000 + point.durationMs)
  })
}

describe('a run\'s per-second series', () => {
  it('has a row for every second across a stall of the server, each stalled second reading the stall, not 0', async () => {
    const STALL_MS = 1_100
    const before = sluice.pipeline.stats.requests
    const id = await startBurst(sluice.url, { model: 'open', shape: { kind: 'steady', level: 50 }, durationMs: 3_000, body: SMALL_BODY })
    await eventually(() => sluice.pipeline.stats.requests > before, 10_000, 'the first request')
    await new Promise((resolve) => setTimeout(resolve, 700))
    // The server runs in this test's thread: busy here, it answers nothing and samples nothing.
    const until = performance.now() + STALL_MS
    while (performance.now() < until) {
      // Busy on purpose.
    }
    const { series, summary } = await endedBurst(sluice.url, id)

    expectEverySecond(series)
    // The series holds every answer: all 202, of up to 150 scheduled (see expectAllAnswered).
    const answered = series.reduce((n, point) => n + (point.statuses['202'] ?? 0) + point.skipped, 0)
    expect(answered).toBeLessThanOrEqual(150)
    expect(answered).toBeGreaterThan(75)
    expect(series.every((point) => Object.keys(point.statuses).every((status) => status === '202'))).toBe(true)
    // A stall longer than a second overlaps at least two seconds of the run: each reads it in full.
    const stalled = series.filter((point) => point.loopDelayMaxMs >= STALL_MS * 0.9)
    expect(stalled.length).toBeGreaterThanOrEqual(2)
    expect(summary.server.maxLoopDelayMs).toBeGreaterThanOrEqual(STALL_MS * 0.9)
    expect(series.every((point) => point.rssBytes > 0)).toBe(true)
    // The server was busy through the stall: its CPU in those seconds is not 0 either.
    expect(stalled.every((point) => point.cpu.server > 0)).toBe(true)
  })
})

describe('an open burst\'s warm-up', () => {
  it('is charted, marked, and left out of the summary', async () => {
    const id = await startBurst(sluice.url, { model: 'open', shape: { kind: 'steady', level: 30 }, durationMs: 2 * WARMUP_MS + 1_000, body: SMALL_BODY })
    const { series, summary } = await endedBurst(sluice.url, id)

    expect(summary.warmupMs).toBe(WARMUP_MS)
    // 30 requests/s for the 3 s after the warm-up; the 60 before it are only in the series.
    expectAllAnswered(summary, 90, 202)
    expect(summary.rates.offered).toBeCloseTo(30, 0)
    expectEverySecond(series)
    // The series holds every answer: all 202, of up to 150 scheduled (see expectAllAnswered).
    const answered = series.reduce((n, point) => n + (point.statuses['202'] ?? 0) + point.skipped, 0)
    expect(answered).toBeLessThanOrEqual(150)
    expect(answered).toBeGreaterThan(75)
    expect(series.every((point) => Object.keys(point.statuses).every((status) => status === '202'))).toBe(true)
    expect(series.map((point) => point.warmup)).toEqual(series.map((point) => point.t <= WARMUP_MS))
  })

  it('does not apply to a closed burst', async () => {
    const id = await startBurst(sluice.url, { model: 'closed', shape: { kind: 'steady', level: 1 }, durationMs: 2 * WARMUP_MS, body: SMALL_BODY })
    const { series, summary } = await endedBurst(sluice.url, id)
    expect(summary.warmupMs).toBe(0)
    expect(summary.requests.sent).toBe(series.reduce((n, point) => n + (point.statuses['202'] ?? 0), 0))
    expect(series.some((point) => point.warmup)).toBe(false)
  })
})
