import { expect, test } from '@playwright/test'
import { connection, lastSeq, liveCharts, waitForTicks } from './support/dashboard.ts'
import { CuttableProxy } from './support/proxy.ts'

test('when the stream is cut the badge says so; when it returns the page resumes without a reload and without a gap', async ({ page, baseURL }) => {
  const proxy = new CuttableProxy(Number(new URL(baseURL!).port))
  try {
    const url = await proxy.start()
    await page.goto(url)
    await expect(connection(page)).toHaveAttribute('data-status', 'live')
    await waitForTicks(page, 4)
    await page.evaluate(() => ((window as unknown as { samePage: boolean }).samePage = true))

    await proxy.cut()
    await expect(connection(page)).toHaveAttribute('data-status', 'reconnecting')
    const seqWhileCut = await lastSeq(page)
    // After a few seconds without the server the badge says it is down, not just blinking.
    await expect(connection(page)).toHaveAttribute('data-status', 'down', { timeout: 30_000 })
    await expect(connection(page)).toHaveText(/server down/)

    await proxy.restore()
    await expect(connection(page)).toHaveAttribute('data-status', 'live', { timeout: 30_000 })
    await waitForTicks(page, 4)
    expect(await lastSeq(page)).toBeGreaterThan(seqWhileCut)
    // The ticks sent while it was cut came back with the resumed hello (Last-Event-ID): none missing.
    await expect(liveCharts(page)).toHaveAttribute('data-missed-ticks', '0')
    expect(await page.evaluate(() => (window as unknown as { samePage?: boolean }).samePage)).toBe(true)
  } finally {
    await proxy.close()
  }
})
