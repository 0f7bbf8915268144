import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { MetricsSnapshot } from '../shared/metrics.ts'
import { postEvents } from './support/post.ts'
import { RawClient } from './support/raw.ts'
import { eventually, startTestSluice, type TestSluice } from './support/sluice.ts'
import { stallLoop } from './support/stall.ts'

const EVENT = JSON.stringify({ type: 'admission' })

/** Posts one event at a time until `until` holds for an answer; fails after `timeoutMs`. */
async function postUntil(url: string, until: (status: number, body: Record<string, unknown>, headers: Headers) => boolean, timeoutMs = 20_000) {
  const deadline = performance.now() + timeoutMs
  for (;;) {
    const posted = await postEvents(url, EVENT)
    if (until(posted.status, posted.body, posted.headers)) return posted
    if (performance.now() > deadline) throw new Error(`no such answer within ${timeoutMs} ms (last: ${posted.status} ${JSON.stringify(posted.body)})`)
  }
}

/** Sends one event after another until stopped (at most 5,000): arrivals for the controller to weigh. */
function trickle(url: string): () => Promise<void> {
  let stopped = false
  const done = (async () => {
    for (let i = 0; i < 5_000 && !stopped; i++) await postEvents(url, EVENT).catch(() => undefined)
  })()
  return async () => {
    stopped = true
    await done
  }
}

describe('admission on the server\'s own delay', () => {
  let sluice: TestSluice
  const latest = (): MetricsSnapshot => sluice.telemetry.sampler.latest!

  beforeAll(async () => {
    sluice = await startTestSluice({ tickMs: 50, admission: 'adaptive' })
  })
  afterAll(() => sluice?.stop())

  it('sheds with 429 overloaded (reason cpu) and Retry-After while the loop is stalled, and stops when it is not', async () => {
    expect(latest()?.admission.mode ?? sluice.pipeline.knobs.admission).toBe('adaptive')
    const stop = stallLoop(40)
    try {
      const refused = await postUntil(sluice.url, (status) => status === 429)
      expect(refused.body).toMatchObject({ error: 'overloaded' })
      expect(String(refused.body.detail)).toMatch(/event loop is \d+ ms behind/)
      expect(Number(refused.headers.get('retry-after'))).toBeGreaterThanOrEqual(1)
      expect(sluice.pipeline.stats.rejectedRequests.cpu).toBeGreaterThan(0)
      await eventually(() => latest().admission.shedding && latest().diagnosis.bottleneck === 'cpu', 10_000, 'the snapshot to show shedding and a cpu diagnosis')
      expect(latest().admission.delayMs).toBeGreaterThan(latest().admission.targetMs)
      expect(latest().diagnosis.detail).toMatch(/refusing/)
    } finally {
      stop()
    }
    await postUntil(sluice.url, (status) => status === 202)
    await eventually(() => !latest().admission.shedding, 15_000, 'shedding to stop')
    expect(latest().diagnosis.bottleneck).toBe('none')
  })

  it('does not shed for stalls the loop gets over: long turns with quick ones between are no standing queue', async () => {
    const before = sluice.pipeline.stats.rejectedRequests.cpu
    // 60 ms of every 80 busy: a GC or a burst of big bodies, not a queue; quick turns between.
    const stop = stallLoop(60, 80)
    try {
      for (let i = 0; i < 40; i++) expect((await postEvents(sluice.url, EVENT)).status).toBe(202)
      expect(sluice.pipeline.stats.rejectedRequests.cpu).toBe(before)
    } finally {
      stop()
    }
  })

  it('refuses without reading the body: a request that declares 100 kB and sends none is answered', async () => {
    const stop = stallLoop(40)
    const clients: RawClient[] = []
    const stopTrickle = trickle(sluice.url)
    try {
      let refused: { status: number; body: string } | undefined
      for (let round = 0; round < 8 && !refused; round++) {
        await eventually(() => sluice.pipeline.gauges().admission.shedding, 15_000, 'the controller to shed')
        // At once, so they meet the same refused fraction: held or not, it refuses at least
        // one in twenty while it sheds, applied as a debt (every twentieth), not as a coin.
        const batch: RawClient[] = []
        for (let i = 0; i < 40; i++) batch.push(await RawClient.open(sluice.url))
        clients.push(...batch)
        for (const raw of batch) raw.head('POST', '/v1/events', { 'content-type': 'application/json', 'content-length': 100_000 })
        const answers = await Promise.all(batch.map((raw) => raw.response(2_000).catch(() => undefined)))
        refused = answers.find((answer) => answer?.status === 429)
        for (const raw of batch) raw.close()
      }
      expect(refused, 'a header-only request refused before its body').toBeDefined()
      expect(JSON.parse(refused!.body)).toMatchObject({ error: 'overloaded' })
    } finally {
      await stopTrickle()
      stop()
      for (const client of clients) client.close()
    }
    await postUntil(sluice.url, (status) => status === 202)
  })

  it('holds back when refusing only displaces accepts: one client in a closed loop on a stalled loop', async () => {
    const stop = stallLoop(40)
    const stopTrickle = trickle(sluice.url)
    try {
      // The client sends again as soon as it is answered, so every refusal takes the place
      // of an accept and the delay (the stall's) does not move: shedding more buys nothing.
      await eventually(() => latest().admission.held, 20_000, 'the controller to hold back')
      await eventually(() => /would cost accepted events/.test(latest().diagnosis.detail), 10_000, 'the diagnosis to say why it holds back')
      expect(latest().diagnosis.bottleneck).toBe('cpu')
    } finally {
      await stopTrickle()
      stop()
    }
    await postUntil(sluice.url, (status) => status === 202)
  })

  it('switches at run time: with admission off a stalled loop refuses nothing on CPU; static refuses all above its limit', async () => {
    const patch = (body: unknown) => fetch(`${sluice.url}/api/config`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) })
    expect((await patch({ admission: 'off' })).status).toBe(200)
    await eventually(() => latest().admission.mode === 'off', 5_000, 'the snapshot to show admission off')
    const before = sluice.pipeline.stats.rejectedRequests.cpu
    let stop = stallLoop(40)
    try {
      for (let i = 0; i < 40; i++) expect((await postEvents(sluice.url, EVENT)).status).toBe(202)
      expect(sluice.pipeline.stats.rejectedRequests.cpu).toBe(before)
      await eventually(() => latest().diagnosis.bottleneck === 'cpu', 10_000, 'a cpu diagnosis without refusals')
      expect(latest().diagnosis.detail).toMatch(/admission is off/)
    } finally {
      stop()
    }

    expect((await patch({ admission: 'static' })).status).toBe(200)
    stop = stallLoop(60)
    try {
      await postUntil(sluice.url, (status) => status === 429)
      expect(sluice.pipeline.gauges().admission).toMatchObject({ mode: 'static', targetMs: 50 })
    } finally {
      stop()
    }
    expect((await patch({ admission: 'adaptive' })).status).toBe(200)
    await postUntil(sluice.url, (status) => status === 202)
  })

  it('diagnoses the database when writes are slower than arrivals and the queue fills', async () => {
    // Off: the subject is the database, and on a busy machine the CPU would speak first.
    sluice.pipeline.setKnobs({ dbLatencyMs: 3_000, queueMaxEvents: 20, admission: 'off' }, 'test')
    let stopTrickle: (() => Promise<void>) | undefined
    try {
      await postUntil(sluice.url, (status, body) => status === 429 && body.error === 'queue_full')
      // Refusals in every tick, not one: a diagnosis is of the tick it is read in.
      stopTrickle = trickle(sluice.url)
      await eventually(() => latest().diagnosis.bottleneck === 'database', 10_000, 'a database diagnosis')
      expect(latest().diagnosis.detail).toMatch(/queue_full/)
    } finally {
      await stopTrickle?.()
      sluice.pipeline.setKnobs({ dbLatencyMs: 0, queueMaxEvents: 100_000, admission: 'adaptive' }, 'test')
    }
  })
})
