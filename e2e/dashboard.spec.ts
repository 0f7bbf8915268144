import { expect, test } from '@playwright/test'
import { getConfig } from './support/api.ts'
import { chart, chartNumber, chartText, connection, liveCharts, openDashboard } from './support/dashboard.ts'

test('the dashboard connects, shows the current figures and the charts move with every tick', async ({ page, request }) => {
  await openDashboard(page)
  await expect(connection(page)).toHaveText(/live/)

  const headline = page.getByRole('region', { name: 'Current figures' })
  for (const label of ['Events per second', 'Queue fill', 'Rejections per second', 'Event-loop p99', 'RSS']) {
    await expect(headline.getByRole('group', { name: label })).toBeVisible()
  }
  // RSS of a running Node server is a real, plausible number.
  await expect.poll(async () => Number(await headline.getByRole('group', { name: 'RSS' }).getAttribute('data-value'))).toBeGreaterThan(10 * 1024 * 1024)

  for (const title of ['Throughput', 'Rejections', 'Queue depth', 'Batch flushes', 'Inflight requests', 'Event loop', 'Memory', 'Client latency (burst)', 'Offered vs achieved (burst)']) {
    await expect(page.getByRole('figure', { name: title })).toBeVisible()
  }

  // Events sent now show up as accepted and committed on the throughput chart.
  const before = Number(await liveCharts(page).getAttribute('data-to'))
  for (let i = 0; i < 5; i++) {
    const response = await request.post('/v1/events?wait=commit', { data: Array.from({ length: 200 }, (_, n) => ({ type: 'e2e', n })) })
    expect(response.status()).toBe(200)
  }
  // The charts move on each time a new pixel bucket of the window begins (a full window
  // keeps its number of points), so wait for the window's end to move rather than for a count.
  await expect.poll(async () => Number(await liveCharts(page).getAttribute('data-to')), { timeout: 20_000 }).toBeGreaterThan(before)
  await expect.poll(() => chartNumber(page, 'throughput', 'max-committed')).toBeGreaterThan(0)
  await expect.poll(() => chartNumber(page, 'flushes', 'last-flush-events')).toBeGreaterThan(0)
  // A note marks this moment on every chart (POST /api/annotations, back over the stream).
  await page.getByLabel('Annotation text').fill('e2e: before the window change')
  await page.getByRole('button', { name: 'Mark' }).click()
  await expect.poll(() => chartText(page, 'throughput', 'mark-texts')).toContain('e2e: before the window change')
  await expect.poll(() => chartText(page, 'memory', 'mark-texts')).toContain('e2e: before the window change')
  // The window selector changes what the charts span.
  await page.getByRole('radio', { name: '1 min' }).click()
  await expect(liveCharts(page)).toHaveAttribute('data-window-ms', '60000')
  // The queue chart's capacity is the live knob's.
  await expect(chart(page, 'queue')).toHaveAttribute('data-capacity', String((await getConfig(request)).queueMaxEvents))
})

test('dark and light themes both render, and the choice sticks across a reload', async ({ page }) => {
  await openDashboard(page)
  const html = page.locator('html')
  const initial = await html.getAttribute('data-theme')
  const other = initial === 'dark' ? 'light' : 'dark'
  await page.getByRole('button', { name: `Switch to ${other} theme` }).click()
  await expect(html).toHaveAttribute('data-theme', other)
  await page.reload()
  await expect(html).toHaveAttribute('data-theme', other)
  await page.getByRole('button', { name: `Switch to ${initial} theme` }).click()
  await expect(html).toHaveAttribute('data-theme', initial!)
})
