import { expect, test } from '@playwright/test'
import { chart, chartNumber, openDashboard, waitForTicks } from './support/dashboard.ts'

test('headline figures agree: event-loop p99 never shows above its max, and plotted flushes are never "no flush"', async ({ page, request }) => {
  await openDashboard(page)
  const loop = page.getByRole('region', { name: 'Current figures' }).getByRole('group', { name: 'Event-loop p99' })
  // Some work for the loop and the writer while the figures are read.
  for (let i = 0; i < 3; i++) expect((await request.post('/v1/events?wait=commit', { data: Array.from({ length: 500 }, (_, n) => ({ type: 'headline', n })) })).status()).toBe(200)
  for (let i = 0; i < 24; i++) {
    const [p99, max] = await loop.evaluate((e) => [Number(e.getAttribute('data-value')), Number(e.getAttribute('data-max'))])
    expect(p99, `p99 ${p99} ms shown above max ${max} ms`).toBeLessThanOrEqual(max!)
    await waitForTicks(page, 1)
  }
  await expect.poll(() => chartNumber(page, 'flushes', 'flush-points')).toBeGreaterThan(0)
  await expect(chart(page, 'flushes').locator('.chart-caption')).toHaveText(/^last: \d/)
})
