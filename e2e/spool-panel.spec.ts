import { expect, test } from '@playwright/test'
import { chart, chartNumber, openDashboard } from './support/dashboard.ts'

test('in memory mode (the default) there is no Spool panel at all', async ({ page, request }) => {
  const { fixed } = (await (await request.get('/api/config')).json()) as { fixed: { durability: string } }
  expect(fixed.durability).toBe('memory')
  await openDashboard(page)
  // The other charts are drawn, so the panel's absence is not the page still loading.
  await expect.poll(() => chartNumber(page, 'memory', 'points')).toBeGreaterThan(0)
  await expect(chart(page, 'spool')).toHaveCount(0)
  await expect(page.getByText('Spool (write-ahead log)')).toHaveCount(0)
})
