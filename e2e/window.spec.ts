import { expect, test } from '@playwright/test'
import { LIVE_CHARTS } from './support/charts.ts'
import { chart, chartNumber, openFullWindow, waitForTicks } from './support/dashboard.ts'

// What drawing costs is measured by `npm run bench:dashboard`; this checks only what is drawn.
test('a full 15-minute window is kept whole and every chart is folded to its pixel width', async ({ page }) => {
  await openFullWindow(page)
  const folded = async () => {
    for (const id of LIVE_CHARTS) {
      const width = (await chart(page, id).boundingBox())!.width
      expect(await chartNumber(page, id, 'points'), id).toBeLessThanOrEqual(width)
    }
  }
  await folded()
  // The prefilled burst reaches the client charts too.
  expect(await chartNumber(page, 'client-latency', 'points')).toBeGreaterThan(50)
  // The live stream goes on drawing into the full window, still folded.
  await waitForTicks(page, 8)
  await folded()
})
