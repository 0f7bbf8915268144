import { expect, test } from '@playwright/test'
import type { BurstSpec } from '../shared/bursts.ts'
import { getConfig, patchConfig, SHORT_SPEC, startBurst, stopAnyBurst, waitForRunEnd } from './support/api.ts'
import { openDashboard } from './support/dashboard.ts'

test.afterEach(async ({ request }) => stopAnyBurst(request))

/**
 * Every request drips its body for 6 s at 400 new ones a second: by the fifth second the
 * generator's 2 000 connections (SLUICE_BURST_MAX_CONNECTIONS) are all busy and sends
 * leave late, whatever the machine's speed.
 */
const OUTRUNS_ITS_CONNECTIONS: BurstSpec = {
  model: 'open',
  shape: { kind: 'steady', level: 400 },
  durationMs: 6_000,
  body: { eventsPerRequest: 2, eventBytes: 100, format: 'ndjson' },
  bad: { slow_drip: 1 },
  dripMs: 6_000,
}

test('a generator that falls behind says so in the live card, the run list and the comparison', async ({ page, request }) => {
  await stopAnyBurst(request)
  const original = await getConfig(request)
  // A light run to compare with; on a busy machine even it may fall behind, so its verdict is read, not assumed.
  const fine = await startBurst(request, { spec: SHORT_SPEC })
  const fineSaturated = (await waitForRunEnd(request, fine)).generatorSaturated
  try {
    // The server's own cap would refuse the drips with 429 before the generator's is reached.
    await patchConfig(request, { maxInflight: 5_000 })
    await openDashboard(page)
    const behind = await startBurst(request, { spec: OUTRUNS_ITS_CONNECTIONS })
    const card = page.getByRole('region', { name: 'Current burst' })
    await expect(card).toHaveAttribute('data-burst-id', behind)
    await expect(card).toHaveAttribute('data-generator-behind', 'true', { timeout: 30_000 })
    await expect(card.locator('.generator-behind')).toContainText('Generator')
    const summary = await waitForRunEnd(request, behind, 60_000)
    expect(summary.generatorSaturated).toBe(true)

    // The run list as the server saved it (a page opened afresh). The live page's list can
    // lag the saved summary on a busy machine: seen once at the end of a full suite.
    await openDashboard(page)
    await page.getByRole('button', { name: /^Runs/ }).click()
    const row = page.locator(`tr[data-run-id="${behind}"]`)
    await expect(row).toHaveAttribute('data-generator-behind', 'true')
    await expect(row.getByText('generator behind')).toBeVisible()
    await expect(page.locator(`tr[data-run-id="${fine}"]`).getByText('generator behind')).toHaveCount(fineSaturated ? 1 : 0)

    await page.getByRole('checkbox', { name: `Compare custom (${fine})` }).check()
    await page.getByRole('checkbox', { name: `Compare custom (${behind})` }).check()
    await page.getByRole('button', { name: 'Compare selected (2/2)' }).click()
    const comparison = page.getByRole('region', { name: 'Comparison' })
    await expect(comparison.locator('tr[data-figure="Generator"] td[data-side="a"]')).toHaveText(fineSaturated ? /fell behind/ : 'kept up')
    await expect(comparison.locator('tr[data-figure="Generator"] td[data-side="b"]')).toHaveText(/fell behind/)
    await expect(comparison.locator('.generator-behind[data-side="b"]')).toContainText('Run B')
    await expect(comparison.locator('.generator-behind[data-side="a"]')).toHaveCount(fineSaturated ? 1 : 0)
  } finally {
    await stopAnyBurst(request)
    await patchConfig(request, { maxInflight: original.maxInflight })
  }
})
