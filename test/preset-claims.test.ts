/**
 * Each preset's `watch` text, checked by direction on a shortened run of it: which figure
 * rises, which status appears. Never a wall-clock threshold. Shortened: each run lasts
 * ARM_MS (shape timings scaled with it), and a comparison runs only the two arms its
 * claim compares. Every run costs a few seconds of generator start-up besides, which
 * keeps this file near 90 s, so some claims are not run here:
 * - throughput and latency between arms (writers-compared, batch-size-sweep): on a
 *   2-core machine shared with the test's own generator, shortened arms measured noise
 *   (copy 536 vs direct 588 events/s once when the machine was saturated);
 * - claims that need a long run to show (queue-full-spike, slow-clients,
 *   concurrency-is-not-throughput, steady-at-80, ramp-to-collapse, admission-on-off):
 *   their mechanisms have their own tests (admission, statuses, load-models).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BurstList } from '../shared/api.ts'
import type { BurstPreset, BurstRecord, BurstShape, BurstSpec, BurstSummary } from '../shared/bursts.ts'
import { figuresOf, groupRuns } from '../shared/compare.ts'
import type { LiveConfig } from '../shared/config.ts'
import { findPreset } from '../shared/presets.ts'
import { api, endedBurst } from './support/bursts.ts'
import { eventually, startTestSluice, type TestSluice } from './support/sluice.ts'

const ARM_MS = 2_500

let sluice: TestSluice
beforeAll(async () => {
  sluice = await startTestSluice({ burstMaxConnections: 2_000, burstMaxRate: 2_000, burstMaxDurationMs: 60_000 })
})
afterAll(() => sluice?.stop())

function scaledShape(shape: BurstShape, factor: number): BurstShape {
  return shape.kind === 'spike' ? { ...shape, atMs: Math.round(shape.atMs * factor), forMs: Math.round(shape.forMs * factor) } : shape
}

/** The preset's spec lasting `ms`, its timings scaled to match. */
function shortened(spec: BurstSpec, ms = ARM_MS): BurstSpec {
  return { ...spec, durationMs: ms, shape: scaledShape(spec.shape, ms / spec.durationMs) }
}

function preset(name: string): BurstPreset {
  const found = findPreset(name)
  if (!found) throw new Error(`no preset ${name}`)
  return found
}

async function run(name: string, ms = ARM_MS): Promise<BurstRecord> {
  const started = await api<{ id: string }>(sluice.url, 'POST', '/api/bursts', { spec: shortened(preset(name).spec, ms) })
  expect(started.status).toBe(201)
  return endedBurst(sluice.url, started.body.id, 30_000)
}

/** Runs the two named arms of a comparison preset, shortened, and returns them by label. */
async function compare(name: string, labels: [string, string], ms = ARM_MS, knobs: Record<string, Partial<LiveConfig>> = {}): Promise<Record<string, BurstSummary>> {
  const found = preset(name)
  const variants = labels.map((label) => {
    const variant = found.variants!.find((v) => v.label === label)!
    return { ...variant, knobs: { ...variant.knobs, ...knobs[label] } }
  })
  const started = await api<{ group: string }>(sluice.url, 'POST', '/api/bursts', { spec: shortened(found.spec, ms), variants })
  expect(started.status).toBe(201)
  let runs: BurstSummary[] = []
  await eventually(async () => {
    const { body } = await api<BurstList>(sluice.url, 'GET', '/api/bursts')
    runs = groupRuns(body.bursts).get(started.body.group) ?? []
    return body.running === null && runs.length === 2 && runs.every((r) => r.status !== 'running')
  }, 60_000, `${name} to end`)
  for (const r of runs) expect(r.status).toBe('finished')
  return Object.fromEntries(runs.map((r) => [r.variant!, r]))
}

describe('preset texts hold, by direction, on a shortened run', () => {
  it('level-0-insert-per-request: p99 rises as connections step up', async () => {
    const { series, summary } = await run('level-0-insert-per-request', 4_500)
    expect(summary.knobs.writer).toBe('direct')
    const p99 = (from: number, to: number) => Math.max(...series.filter((p) => p.t > from && p.t <= to).map((p) => p.latency.p99))
    expect(p99(3_000, 4_500)).toBeGreaterThan(p99(0, 1_500))
  })

  it('20mb-payloads: big bodies get 413 while small ones are still accepted', async () => {
    const { summary } = await run('20mb-payloads')
    expect(summary.byKind.oversized_20mb?.statuses['413']).toBeGreaterThan(0)
    expect(summary.byKind.normal?.statuses['202']).toBeGreaterThan(0)
  })

  it('bad-traffic-mix: each bad kind gets its answer, good requests are still accepted', async () => {
    const { summary } = await run('bad-traffic-mix')
    expect(summary.statuses['413']).toBeGreaterThan(0)
    expect(summary.statuses['400']).toBeGreaterThan(0)
    expect(summary.server.rejectedByReason.client_aborted).toBeGreaterThan(0)
    expect(summary.byKind.normal?.statuses['202']).toBeGreaterThan(0)
  })

  it('buffered-vs-streamed: buffered 20 MB bodies raise RSS more than streamed ones, and both end in 413', async () => {
    const runs = await compare('buffered-vs-streamed', ['buffer 20 MB', 'stream 20 MB'])
    const buffered = runs['buffer 20 MB']!
    const streamed = runs['stream 20 MB']!
    expect(buffered.knobs.bodyReading).toBe('buffer')
    expect(streamed.knobs.bodyReading).toBe('stream')
    expect(buffered.byKind.oversized_20mb?.statuses['413']).toBeGreaterThan(0)
    expect(streamed.byKind.oversized_20mb?.statuses['413']).toBeGreaterThan(0)
    expect(figuresOf(buffered).rssRiseMb).toBeGreaterThan(figuresOf(streamed).rssRiseMb)
    // The heap is back down after the run while RSS stays above it.
    expect(buffered.server.rssAfterBytes).toBeGreaterThan(buffered.server.heapAfterBytes)
  })

  it('inflight-cap-on-off: only the capped run refuses with 429 overloaded (the cap scaled down with the load)', async () => {
    const found = preset('inflight-cap-on-off')
    const [capped, off] = found.variants!
    // A shortened spike never gets 1 024 requests in flight here; 50 shows the same mechanism.
    const runs = await compare('inflight-cap-on-off', [capped!.label, off!.label], ARM_MS, { [capped!.label]: { maxInflight: 50 } })
    expect(runs[capped!.label]!.server.rejectedByReason.overloaded).toBeGreaterThan(0)
    expect(runs[off!.label]!.server.rejectedByReason.overloaded ?? 0).toBe(0)
  })
})
