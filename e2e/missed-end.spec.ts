import { expect, test } from '@playwright/test'
import { SHORT_SPEC, startBurst, stopAnyBurst, waitForRunEnd } from './support/api.ts'
import { connection } from './support/dashboard.ts'
import { CuttableProxy } from './support/proxy.ts'

test.afterEach(async ({ request }) => stopAnyBurst(request))

test('a burst that ends while the stream is cut shows as ended once the stream is back', async ({ page, request, baseURL }) => {
  await stopAnyBurst(request)
  const proxy = new CuttableProxy(Number(new URL(baseURL!).port))
  try {
    await page.goto(await proxy.start())
    await expect(connection(page)).toHaveAttribute('data-status', 'live')
    const id = await startBurst(request, { spec: { ...SHORT_SPEC, durationMs: 6_000 } })
    const card = page.getByRole('region', { name: 'Current burst' })
    await expect(card).toHaveAttribute('data-burst-id', id)
    await expect(card).toHaveAttribute('data-phase', 'tick')

    // Its `finished` event goes out while the page cannot hear it; only ticks are replayed.
    await proxy.cut()
    expect((await waitForRunEnd(request, id)).status).toBe('finished')
    await proxy.restore()
    await expect(connection(page)).toHaveAttribute('data-status', 'live', { timeout: 30_000 })
    await expect(card).toHaveAttribute('data-phase', 'finished')
    await expect(card.getByRole('button', { name: 'Stop burst' })).toHaveCount(0)
  } finally {
    await proxy.close()
  }
})
