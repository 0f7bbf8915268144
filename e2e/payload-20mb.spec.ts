import { expect, test } from '@playwright/test'
import { listBursts, stopAnyBurst, waitForRunEnd } from './support/api.ts'
import { chartText, connection, openDashboard } from './support/dashboard.ts'

test.afterEach(async ({ request }) => stopAnyBurst(request))

test('the 20 MB payloads preset is refused with 413 while the server keeps serving', async ({ page, request }) => {
  await stopAnyBurst(request)
  await openDashboard(page)
  await page.getByRole('button', { name: 'Run 20 MB payloads' }).click()
  const burst = page.getByRole('region', { name: 'Current burst' })
  await expect(burst).toHaveAttribute('data-phase', 'tick')
  const id = (await burst.getAttribute('data-burst-id'))!

  // While 20 MB bodies arrive, a small request is still accepted and the server is ready.
  // Discarding their bytes keeps the loop busy, so admission may refuse some small requests
  // on CPU (429, Retry-After): a client that retries as told gets in.
  await expect
    .poll(async () => (await request.post('/v1/events', { data: { type: 'during-20mb' } })).status(), { timeout: 20_000, intervals: [250, 500, 1_000] })
    .toBe(202)
  expect((await request.get('/readyz')).status()).toBe(200)
  await expect.poll(() => chartText(page, 'rejections', 'reasons'), { timeout: 30_000 }).toContain('too_large')
  await expect(connection(page)).toHaveAttribute('data-status', 'live')

  const summary = await waitForRunEnd(request, id)
  expect(summary.status).toBe('finished')
  expect(summary.statuses['413'] ?? 0).toBeGreaterThan(0)
  expect(summary.statuses['202'] ?? 0).toBeGreaterThan(0)
  // Refused at the door, never buffered: memory stays far below the 20 MB bodies it was sent.
  const oversized = summary.byKind.oversized_20mb?.sent ?? 0
  expect(oversized).toBeGreaterThan(0)
  expect(summary.server.peakRssBytes).toBeLessThan(1024 * 1024 * 1024)
  expect((await listBursts(request)).running).toBeNull()

  // Afterwards: still serving, still live.
  expect((await request.get('/readyz')).status()).toBe(200)
  expect((await request.post('/v1/events?wait=commit', { data: { type: 'after-20mb' } })).status()).toBe(200)
  await expect(burst).toHaveAttribute('data-phase', 'finished')
})
