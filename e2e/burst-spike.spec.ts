import { mkdirSync } from 'node:fs'
import { expect, test } from '@playwright/test'
import { getConfig, listBursts, patchConfig, stopAnyBurst } from './support/api.ts'
import { LIVE_CHARTS } from './support/charts.ts'
import { chart, chartNumber, chartText, openDashboard } from './support/dashboard.ts'

test.afterEach(async ({ request }) => {
  await stopAnyBurst(request)
  await patchConfig(request, { admission: 'adaptive' })
})

test('the queue-full spike preset fills the queue, refuses with 429 queue_full, and its span is drawn on every chart', async ({ page, request }) => {
  await stopAnyBurst(request)
  // The subject is the queue: with the browser, the generator and PostgreSQL on the same
  // two cores, admission on CPU can refuse before the queue fills (docs/overload.md).
  expect((await getConfig(request)).admission).toBe('adaptive')
  await patchConfig(request, { admission: 'off' })
  await openDashboard(page)
  await page.getByRole('radio', { name: '1 min', exact: true }).click()

  const preset = page.locator('li[data-preset="queue-full-spike"]')
  // Each preset says what to watch for.
  await expect(preset.locator('.preset-watch')).toContainText(/queue/i)
  await page.getByRole('button', { name: 'Run Queue-full spike' }).click()

  const burst = page.getByRole('region', { name: 'Current burst' })
  await expect(burst).toHaveAttribute('data-phase', /started|tick/)
  await expect(burst.getByRole('progressbar', { name: 'Burst progress' })).toBeVisible()
  const id = (await burst.getAttribute('data-burst-id'))!
  expect((await listBursts(request)).running).toBe(id)
  // What to watch is said once, in the burst card, not again in the list below it.
  await expect(page.locator('.preset-watch', { hasText: /^A slow database/ })).toHaveCount(1)
  await expect(burst.locator('.preset-watch')).toContainText('A slow database')
  // And what the preset changes for its run, knob by knob (while it runs, or once it ended on a slow machine).
  await expect(burst.locator('.burst-knobs')).toContainText('DB latency 500 ms, Queue cap 20K events')

  // The queue rises to most of its capacity, and refusals appear, by reason.
  await expect.poll(() => chartNumber(page, 'queue', 'max-fill'), { timeout: 60_000, message: 'queue fill peaks above 50%' }).toBeGreaterThan(50)
  await expect.poll(() => chartText(page, 'rejections', 'reasons'), { timeout: 60_000 }).toContain('queue_full')
  await expect.poll(() => chartNumber(page, 'rejections', 'max-queue-full'), { timeout: 60_000 }).toBeGreaterThan(0)
  // The clients' side is drawn too: offered against achieved, and latency percentiles.
  await expect.poll(() => chartNumber(page, 'client-rate', 'points')).toBeGreaterThan(0)
  await expect.poll(() => chartNumber(page, 'client-latency', 'max-p99')).toBeGreaterThan(0)
  // The run is one shaded span, named, across every chart.
  for (const id of LIVE_CHARTS) await expect(chart(page, id)).toHaveAttribute('data-span-names', /queue-full-spike/)

  await expect(burst).toHaveAttribute('data-phase', 'finished', { timeout: 90_000 })
  await expect(burst).toContainText('429')
  const run = (await listBursts(request)).bursts.find((b) => b.id === id)!
  expect(run.server.rejectedByReason.queue_full ?? 0).toBeGreaterThan(0)

  mkdirSync('test-results', { recursive: true })
  await page.screenshot({ path: 'test-results/dashboard.png', fullPage: true })
})
