import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BadKind, BurstSpec } from '../shared/bursts.ts'
import { snapshotCounters, countersSince } from '../server/load/server-counters.ts'
import { runBurst, SMALL_BODY } from './support/bursts.ts'
import { startTestSluice, type TestSluice } from './support/sluice.ts'

let sluice: TestSluice
beforeAll(async () => {
  sluice = await startTestSluice()
})
afterAll(() => sluice?.stop())

describe('bad traffic', () => {
  const bad: Record<Exclude<BadKind, 'oversized_5mb' | 'oversized_20mb'>, number> = { oversized_1mb: 0.1, malformed: 0.1, slow_drip: 0.1, disconnect: 0.1 }
  const spec: BurstSpec = { model: 'open', shape: { kind: 'steady', level: 150 }, durationMs: 2_000, body: SMALL_BODY, bad, dripMs: 300 }

  it('comes in the shares asked, each kind answered with its designed status, and the counts are the server\'s own', async () => {
    const before = snapshotCounters(sluice.pipeline)
    const summary = await runBurst(sluice.url, spec)
    const server = countersSince(before, snapshotCounters(sluice.pipeline))

    // A generator thread that falls a second behind on a busy machine skips sends, by design.
    const sent = summary.requests.sent
    expect(summary.requests.intended).toBe(300)
    expect(sent + summary.requests.skipped).toBe(300)
    expect(sent).toBeGreaterThan(100)
    for (const [kind, share] of Object.entries(bad)) {
      expect(Math.abs(summary.byKind[kind as BadKind]!.sent / sent - share), kind).toBeLessThanOrEqual(0.05)
    }
    expect(Math.abs(summary.byKind.normal!.sent / sent - 0.6)).toBeLessThanOrEqual(0.05)

    const { byKind } = summary
    expect(byKind.normal!.statuses).toEqual({ 202: byKind.normal!.sent })
    expect(byKind.oversized_1mb!.statuses).toEqual({ 413: byKind.oversized_1mb!.sent })
    expect(byKind.malformed!.statuses).toEqual({ 400: byKind.malformed!.sent })
    expect(byKind.slow_drip!.statuses).toEqual({ 202: byKind.slow_drip!.sent })
    // A hang-up gets no answer; the server counts it as client_aborted.
    expect(byKind.disconnect!.statuses).toEqual({})
    expect(server.rejectedByReason.client_aborted).toBe(byKind.disconnect!.sent)
    expect(summary.errors).toEqual({})

    // The summary's counts are the server's own for the same window.
    expect(summary.server.requestsByStatus).toEqual(summary.statuses)
    expect(server.requestsByStatus).toEqual(summary.statuses)
    expect(summary.server.rejectedByReason).toEqual(server.rejectedByReason)
    expect(server.rejectedByReason).toEqual({ too_large: byKind.oversized_1mb!.sent, invalid: byKind.malformed!.sent, client_aborted: byKind.disconnect!.sent })
    expect(summary.eventsAccepted).toBe(server.eventsAccepted)
    expect(summary.eventsAccepted).toBe((byKind.normal!.sent + byKind.slow_drip!.sent) * SMALL_BODY.eventsPerRequest)
  })

  it('refuses 5 MB and 20 MB bodies with 413', async () => {
    const summary = await runBurst(sluice.url, { model: 'closed', shape: { kind: 'steady', level: 2 }, durationMs: 1_000, body: SMALL_BODY, bad: { oversized_5mb: 0.25, oversized_20mb: 0.25 } })
    expect(summary.byKind.oversized_5mb!.sent).toBeGreaterThan(0)
    expect(summary.byKind.oversized_5mb!.statuses).toEqual({ 413: summary.byKind.oversized_5mb!.sent })
    expect(summary.byKind.oversized_20mb!.statuses).toEqual({ 413: summary.byKind.oversized_20mb!.sent })
    expect(summary.errors).toEqual({})
    expect(summary.server.requestsByStatus).toEqual(summary.statuses)
  })
})
