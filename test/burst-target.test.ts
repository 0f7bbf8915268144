import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../server/config.ts'
import { runBurst, SMALL_BODY } from './support/bursts.ts'
import { startTestSluice, type TestSluice } from './support/sluice.ts'

describe('SLUICE_BURST_TARGET', () => {
  it('is an http origin, or a start-up error naming the variable', () => {
    expect(loadConfig({}).burstTarget).toBeUndefined()
    expect(loadConfig({ SLUICE_BURST_TARGET: 'http://127.0.0.1:8000' }).burstTarget).toBe('http://127.0.0.1:8000')
    for (const raw of ['127.0.0.1:8000', 'https://127.0.0.1:8443', 'http://127.0.0.1:8000/v1/events', 'http://user:pw@127.0.0.1:8000', 'not a url']) {
      expect(() => loadConfig({ SLUICE_BURST_TARGET: raw }), raw).toThrow(ConfigError)
    }
  })

  describe('aimed at another server (as at a load balancer in front of a fleet)', () => {
    let target: TestSluice
    let starter: TestSluice
    beforeAll(async () => {
      target = await startTestSluice()
      starter = await startTestSluice({ burstTarget: new URL(target.url).origin })
    })
    afterAll(async () => {
      await starter?.stop()
      await target?.stop()
    })

    it('sends the burst there, and nothing to the server that started it', async () => {
      const summary = await runBurst(starter.url, { model: 'closed', shape: { kind: 'steady', level: 2 }, durationMs: 1_000, body: SMALL_BODY })
      expect(summary.statuses['202'] ?? 0).toBeGreaterThan(0)
      expect(target.pipeline.stats.requests).toBeGreaterThanOrEqual(summary.statuses['202']!)
      expect(starter.pipeline.stats.requests).toBe(0)
    })
  })
})
