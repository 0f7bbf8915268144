import { expect, test } from '@playwright/test'
import type { BurstRecord } from '../shared/bursts.ts'
import { startBurst, stopAnyBurst, waitForRunEnd } from './support/api.ts'
import { chart, openDashboard } from './support/dashboard.ts'

test.afterEach(async ({ request }) => stopAnyBurst(request))
// The desktop the layout is held to: the card's field must not push the knobs out of view.
test.use({ viewport: { width: 1440, height: 900 } })

test('the running burst\'s card changes its rate, the run records it and the charts mark it', async ({ page, request }) => {
  // Long enough to be running still when a busy machine (load 13 on 2 cores, seen) gets to the field; stopped after.
  test.setTimeout(240_000)
  await stopAnyBurst(request)
  await openDashboard(page)
  const id = await startBurst(request, { spec: { model: 'open', shape: { kind: 'steady', level: 20 }, durationMs: 180_000, body: { eventsPerRequest: 5, eventBytes: 100, format: 'ndjson' } } })
  const card = page.getByRole('region', { name: 'Current burst' })
  await expect(card).toHaveAttribute('data-burst-id', id)
  await expect(card).toHaveAttribute('data-phase', 'tick')

  const control = card.getByRole('form', { name: 'Change the load' })
  await expect(control).toHaveCount(0)
  await card.getByRole('button', { name: 'Change load' }).click()
  await expect(control).toBeVisible()
  const knobs = (await page.getByRole('heading', { name: 'Knobs' }).boundingBox())!
  expect(knobs.y + knobs.height).toBeLessThan(900)
  const rate = control.getByLabel('Rate (requests/s)')
  // Over the server's cap: said beside the field, nothing sent.
  await rate.fill('100000000')
  await control.getByRole('button', { name: 'Set' }).click()
  await expect(control.getByRole('alert')).toContainText('Not applied')

  await rate.fill('60')
  await control.getByRole('button', { name: 'Set' }).click()
  await expect(control.getByRole('alert')).toHaveCount(0)
  await expect(rate).toHaveValue('')

  // Recorded in the run.
  await expect.poll(async () => ((await (await request.get(`/api/bursts/${id}`)).json()) as BurstRecord).summary.loadChanges?.map((c) => [c.from, c.to])).toEqual([[20, 60]])
  // Marked on the charts, labelled on the top row, with who made it on hover.
  const throughput = chart(page, 'throughput')
  await expect(throughput).toHaveAttribute('data-mark-texts', /Rate 20 → 60\/s/)
  await expect(throughput.locator('.mark[data-kind="load"]')).toHaveCount(1)
  await expect(throughput.locator('.mark-label .mark-text', { hasText: 'Rate 20 → 60/s' })).toBeVisible()
  await expect(throughput.locator('.mark-hit title', { hasText: 'Rate 20 → 60/s (by api)' })).toHaveCount(1)

  // Once it has ended, the run's own chart draws the change too.
  await card.getByRole('button', { name: 'Stop burst' }).click()
  await waitForRunEnd(request, id)
  await page.getByRole('button', { name: /^Runs/ }).click()
  await page.getByRole('button', { name: `Open custom (${id})` }).click()
  const rateChart = page.getByRole('region', { name: 'Run custom' }).getByRole('figure', { name: 'Request rate' })
  await expect(rateChart).toHaveAttribute('data-mark-texts', 'Rate 20 → 60/s')
})
