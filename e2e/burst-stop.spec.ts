import { expect, test } from '@playwright/test'
import { listBursts, stopAnyBurst } from './support/api.ts'
import { openDashboard } from './support/dashboard.ts'

test.afterEach(async ({ request }) => stopAnyBurst(request))

test('a custom burst starts from the form, and Stop burst stops it', async ({ page, request }) => {
  await stopAnyBurst(request)
  await openDashboard(page)

  await page.getByText('Custom burst…').click()
  const form = page.getByRole('form', { name: 'Custom burst' })
  await form.getByLabel('Model').selectOption('open')
  await form.getByLabel('Shape').selectOption('steady')
  await form.getByLabel('Level (requests/s)').fill('100')
  await form.getByLabel('Duration (s)').fill('120')
  await form.getByLabel('Events per request').fill('5')
  await form.getByLabel('malformed JSON').fill('10')
  await form.getByRole('button', { name: 'Start custom burst' }).click()

  const burst = page.getByRole('region', { name: 'Current burst' })
  await expect(burst).toHaveAttribute('data-phase', 'tick')
  const id = (await burst.getAttribute('data-burst-id'))!
  // Live progress: the bar moves while it runs.
  const progress = burst.getByRole('progressbar', { name: 'Burst progress' })
  await expect.poll(async () => Number(await progress.getAttribute('value')), { message: 'progress moves' }).toBeGreaterThan(1_000)
  // Presets wait while a burst runs: one at a time.
  await expect(page.getByRole('button', { name: 'Run Queue-full spike' })).toBeDisabled()
  // The bad-traffic mix goes out: malformed bodies are answered 400 while it runs. (Stopping
  // on progress alone raced the generator's start on a busy CI machine: nothing sent yet.)
  await expect
    .poll(async () => (await listBursts(request)).bursts.find((b) => b.id === id)?.statuses['400'] ?? 0, { timeout: 30_000, message: 'malformed bodies answered 400' })
    .toBeGreaterThan(0)

  await burst.getByRole('button', { name: 'Stop burst' }).click()
  await expect(burst).toHaveAttribute('data-phase', 'stopped')
  await expect(burst.getByRole('button', { name: 'Stop burst' })).toHaveCount(0)
  await expect(page.getByRole('button', { name: 'Run Queue-full spike' })).toBeEnabled()

  const { running, bursts } = await listBursts(request)
  expect(running).toBeNull()
  const run = bursts.find((b) => b.id === id)!
  expect(run.status).toBe('stopped')
  expect(run.durationMs).toBeLessThan(120_000)
  // The stopped run keeps what it counted.
  expect(run.statuses['400'] ?? 0).toBeGreaterThan(0)
})
