import { expect, test } from '@playwright/test'
import { chart, chartNumber, openDashboard } from './support/dashboard.ts'

test('headline figures agree: event-loop p99 never shows above its max, and plotted flushes are never "no flush"', async ({ page, request }) => {
  await openDashboard(page)
  // Some work for the loop and the writer while the figures are read.
  for (let i = 0; i < 3; i++) expect((await request.post('/v1/events?wait=commit', { data: Array.from({ length: 500 }, (_, n) => ({ type: 'headline', n })) })).status()).toBe(200)
  await expect.poll(() => chartNumber(page, 'flushes', 'flush-points')).toBeGreaterThan(0)
  await expect(chart(page, 'flushes').locator('.chart-caption')).toHaveText(/^last: \d/)

  // Every value the tile shows over 40 ticks, read in the page as it changes.
  const { seen, bad } = await page.evaluate(
    ({ samples, deadlineMs }) =>
      new Promise<{ seen: number; bad: number[][] }>((resolve) => {
        const tile = document.querySelector<HTMLElement>('[role="group"][aria-label="Event-loop p99"]')!
        let seen = 0
        const bad: number[][] = []
        const done = () => {
          observer.disconnect()
          clearTimeout(timer)
          resolve({ seen, bad })
        }
        const observer = new MutationObserver(() => {
          const p99 = Number(tile.dataset.value)
          const max = Number(tile.dataset.max)
          seen++
          if (p99 > max) bad.push([p99, max])
          if (seen >= samples) done()
        })
        observer.observe(tile, { attributes: true, attributeFilter: ['data-value', 'data-max'] })
        const timer = setTimeout(done, deadlineMs)
      }),
    { samples: 40, deadlineMs: 30_000 },
  )
  expect(seen).toBeGreaterThan(5)
  expect(bad, 'p99 shown above max as [p99, max]').toEqual([])
})
