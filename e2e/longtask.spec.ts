import { expect, test } from '@playwright/test'
import { chart, chartNumber, connection, liveCharts, waitForTicks } from './support/dashboard.ts'
import { prefillHistory } from './support/prefill.ts'

const FIFTEEN_MINUTES = 15 * 60_000
// Ticks to watch: 10 s of the real stream at the default 250 ms tick.
const WATCHED_TICKS = 40

test('streaming with a full 15-minute window on every chart causes no long task over 50 ms', async ({ page }) => {
  await page.addInitScript(prefillHistory, { minutes: 15 })
  await page.goto('/')
  await expect(connection(page)).toHaveAttribute('data-status', 'live')
  await page.getByRole('radio', { name: '15 min' }).click()
  await expect(liveCharts(page)).toHaveAttribute('data-window-ms', String(FIFTEEN_MINUTES))
  // The whole window is there (4 Hz for 15 minutes) and folded to the charts' pixel width.
  await expect.poll(async () => Number(await liveCharts(page).getAttribute('data-ticks'))).toBeGreaterThanOrEqual(3_500)
  const width = (await chart(page, 'throughput').boundingBox())!.width
  expect(await chartNumber(page, 'throughput', 'points')).toBeLessThanOrEqual(width)
  expect(await chartNumber(page, 'client-latency', 'points')).toBeGreaterThan(50)

  await page.evaluate(() => {
    const w = window as unknown as { __longTasks: number[] }
    w.__longTasks = []
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.__longTasks.push(Math.round(entry.duration))
    }).observe({ type: 'longtask' })
  })
  await waitForTicks(page, WATCHED_TICKS, 60_000)
  const longTasks = await page.evaluate(() => (window as unknown as { __longTasks: number[] }).__longTasks)
  test.info().annotations.push({ type: 'long tasks', description: JSON.stringify(longTasks) })
  console.log(`long tasks over ${WATCHED_TICKS} ticks with a 15-minute window: ${JSON.stringify(longTasks)}`)
  expect(longTasks).toEqual([])
})
