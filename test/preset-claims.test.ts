/**
 * Each preset's `watch` text, checked by direction on a shortened run of it: which figure
 * rises, which status appears. Never a wall-clock threshold. Shortened: each run lasts
 * ARM_MS (shape timings scaled with it) unless a claim needs longer, and a comparison runs
 * only the two arms its claim compares. Where a claim's mechanism only shows at a load
 * this machine may not reach while it also runs the generator and other suites, the run
 * scales the limit down instead of the load up (a smaller inflight cap), and says so.
 * Not run here, and why:
 * - throughput between writers (writers-compared says they come out close, and why):
 *   on a 2-core machine shared with the test's own generator, shortened arms measured
 *   noise (copy 536 vs direct 588 events/s once when the machine was saturated). Its
 *   claim that every request is answered once committed is run;
 * - where the CPU's knee lies: it depends on how busy the machine is. steady-at-80 is
 *   run at a quarter of its rate, well below any knee here; ramp-to-collapse and
 *   admission-on-off stall the server's event loop (it runs in this process), so the
 *   CPU gives out whatever the machine, as admission.test.ts does.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BurstList } from '../shared/api.ts'
import type { BurstPreset, BurstRecord, BurstShape, BurstSpec, BurstSummary } from '../shared/bursts.ts'
import { figuresOf, groupRuns } from '../shared/compare.ts'
import type { LiveConfig } from '../shared/config.ts'
import { findPreset } from '../shared/presets.ts'
import { api, endedBurst } from './support/bursts.ts'
import { eventually, startTestSluice, type TestSluice } from './support/sluice.ts'
import { stallLoop } from './support/stall.ts'

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

async function run(name: string, ms = ARM_MS, change: (spec: BurstSpec) => BurstSpec = (spec) => spec): Promise<BurstRecord> {
  const started = await api<{ id: string }>(sluice.url, 'POST', '/api/bursts', { spec: change(shortened(preset(name).spec, ms)) })
  expect(started.status).toBe(201)
  return endedBurst(sluice.url, started.body.id, 30_000)
}

/** Runs the two named arms of a comparison preset, shortened, and returns them by label. */
async function compare(name: string, labels: [string, string], ms = ARM_MS, knobs: Record<string, Partial<LiveConfig>> = {}, change: (spec: BurstSpec) => BurstSpec = (spec) => spec): Promise<Record<string, BurstSummary>> {
  const found = preset(name)
  const variants = labels.map((label) => {
    const variant = found.variants!.find((v) => v.label === label)!
    return { ...variant, knobs: { ...variant.knobs, ...knobs[label] } }
  })
  const started = await api<{ group: string }>(sluice.url, 'POST', '/api/bursts', { spec: change(shortened(found.spec, ms)), variants })
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

  it('concurrency-is-not-throughput: latency climbs with each connection step while requests/s grows far less than connections', async () => {
    // 1.5 s a step, six steps from 10 to 1 000 connections.
    const { series } = await run('concurrency-is-not-throughput', 9_000)
    const first = series.filter((p) => p.t <= 1_500 && p.achievedRate > 0)
    const last = series.filter((p) => p.t > 7_500 && p.achievedRate > 0)
    expect(first.length).toBeGreaterThan(0)
    expect(last.length).toBeGreaterThan(0)
    const median = (values: number[]) => values.sort((a, b) => a - b)[Math.floor(values.length / 2)]!
    expect(median(last.map((p) => p.latency.p50))).toBeGreaterThan(median(first.map((p) => p.latency.p50)))
    // A hundred times the connections: if concurrency were throughput, about a hundred times the requests/s.
    expect(Math.max(...last.map((p) => p.achievedRate))).toBeLessThan(10 * Math.max(...first.map((p) => p.achievedRate)))
  })

  it('queue-full-spike: nothing is refused before the spike; during it the queue fills and new work gets 429 (queue_full, or overloaded on CPU when that gives out first)', async () => {
    // The spike keeps its 4 s, the time the queue needs to fill; the calm before it is cut to 3 s.
    const { series, summary } = await run('queue-full-spike', 9_000, (spec) => ({ ...spec, shape: { kind: 'spike', base: 150, peak: 600, atMs: 3_000, forMs: 4_000 } }))
    expect(summary.knobs).toMatchObject({ queueMaxEvents: 20_000, batchMaxEvents: 5_000 })
    const refusedBy = (from: number, to: number) => series.filter((p) => p.t > from && p.t <= to).reduce((n, p) => n + (p.statuses['429'] ?? 0), 0)
    expect(refusedBy(0, 3_000)).toBe(0)
    expect(refusedBy(3_000, 8_000)).toBeGreaterThan(0)
    const { queue_full: full = 0, overloaded = 0 } = summary.server.rejectedByReason
    expect(full + overloaded).toBeGreaterThan(0)
  })

  it('slow-clients: drips fill the inflight cap, and then slow and fast requests alike get 429 overloaded', async () => {
    // The preset's 600 requests/s, half of them dripping for 4 s, reach the 1 024 cap in about 3.5 s
    // if the generator keeps the rate; a busy machine's may not. A cap of 200 shows the same in a second.
    const { summary } = await run('slow-clients', 6_000, (spec) => ({ ...spec, knobs: { ...spec.knobs, maxInflight: 200 } }))
    expect(summary.knobs.maxInflight).toBe(200)
    expect(summary.server.rejectedByReason.overloaded).toBeGreaterThan(0)
    expect(summary.byKind.slow_drip?.statuses['429']).toBeGreaterThan(0)
    expect(summary.byKind.normal?.statuses['429']).toBeGreaterThan(0)
  })

  it('batch-size-sweep: the flush interval sets the wait, so latency rises from a 10 ms to a 250 ms interval', async () => {
    // A quarter of the preset's rate: the claim is about batches that do not fill, and the
    // full rate can saturate a busy machine, where queueing rather than the interval sets the wait.
    const runs = await compare('batch-size-sweep', ['batch 5000, flush 10 ms', 'batch 5000, flush 250 ms'], ARM_MS, {}, (spec) => ({ ...spec, shape: { kind: 'steady', level: 500 } }))
    const short = runs['batch 5000, flush 10 ms']!
    const long = runs['batch 5000, flush 250 ms']!
    expect(short.knobs.flushIntervalMs).toBe(10)
    expect(long.knobs.flushIntervalMs).toBe(250)
    expect(short.knobs.ack).toBe('commit')
    expect(long.latency.p50).toBeGreaterThan(short.latency.p50)
    expect(long.latency.p99).toBeGreaterThan(short.latency.p99)
  })

  it('steady-at-80: below the knee, after the warm-up nearly every request is accepted', async () => {
    // A quarter of the preset's 2 400 requests/s: below the knee on any machine these tests
    // run on. Admission as a server starts by default (test servers start with it off).
    const { summary } = await run('steady-at-80', 5_000, (spec) => ({ ...spec, shape: { kind: 'steady', level: 600 }, knobs: { ...spec.knobs, admission: 'adaptive' } }))
    expect(summary.warmupMs).toBeGreaterThan(0)
    expect(summary.requests.answered).toBeGreaterThan(0)
    expect(summary.statuses['202'] ?? 0).toBeGreaterThanOrEqual(0.95 * summary.requests.answered)
  })

  it('admission-on-off: with the CPU short, off refuses nothing on CPU while adaptive refuses with 429 overloaded (reason cpu)', async () => {
    const stop = stallLoop(30)
    try {
      // A gentler ramp: with the loop stalled, even that is past the knee.
      const runs = await compare('admission-on-off', ['admission off', 'admission adaptive'], 4_000, {}, (spec) => ({ ...spec, shape: { kind: 'ramp', from: 50, to: 300 } }))
      const off = runs['admission off']!
      const adaptive = runs['admission adaptive']!
      expect(off.knobs.admission).toBe('off')
      expect(adaptive.knobs.admission).toBe('adaptive')
      expect(off.server.rejectedByReason.cpu ?? 0).toBe(0)
      expect(adaptive.server.rejectedByReason.cpu).toBeGreaterThan(0)
      expect(adaptive.statuses['429']).toBeGreaterThan(0)
    } finally {
      stop()
    }
  })

  it('ramp-to-collapse: with the CPU short, event-loop delay rises and the default adaptive admission refuses with 429 overloaded (reason cpu)', async () => {
    const stop = stallLoop(30)
    try {
      // Admission as a server starts by default; test servers start with it off.
      const { summary } = await run('ramp-to-collapse', 4_000, (spec) => ({ ...spec, shape: { kind: 'ramp', from: 50, to: 300 }, knobs: { ...spec.knobs, admission: 'adaptive' } }))
      expect(summary.knobs.admission).toBe('adaptive')
      // Past the adaptive target (20 ms), the delay that sheds.
      expect(summary.server.maxLoopDelayMs).toBeGreaterThan(20)
      expect(summary.server.rejectedByReason.cpu).toBeGreaterThan(0)
    } finally {
      stop()
    }
  })

  it('writers-compared: each writer in turn, every request answered only once its rows are committed', async () => {
    const runs = await compare('writers-compared', ['direct', 'copy'], ARM_MS, {}, (spec) => ({ ...spec, shape: { kind: 'steady', level: 10 } }))
    for (const writer of ['direct', 'copy'] as const) {
      const arm = runs[writer]!
      expect(arm.knobs.writer).toBe(writer)
      expect(arm.statuses['200']).toBeGreaterThan(0)
      expect(arm.statuses['202'] ?? 0).toBe(0)
    }
  })
})
