import { readFileSync } from 'node:fs'
import { expect, test } from '@playwright/test'
import type { BurstRecord } from '../shared/bursts.ts'
import { SHORT_SPEC, startBurst, stopAnyBurst, waitForRunEnd } from './support/api.ts'
import { openDashboard } from './support/dashboard.ts'

test.afterEach(async ({ request }) => stopAnyBurst(request))

test('finished runs are listed in history, open with their charts, compare side by side, and export as JSON and CSV', async ({ page, request }) => {
  await stopAnyBurst(request)
  const a = await startBurst(request, { spec: SHORT_SPEC })
  await waitForRunEnd(request, a)
  const b = await startBurst(request, { spec: { ...SHORT_SPEC, shape: { kind: 'steady', level: 100 } } })
  await waitForRunEnd(request, b)

  await openDashboard(page)
  await page.getByRole('button', { name: /^Runs/ }).click()
  const history = page.getByRole('table', { name: 'Run history' })
  for (const id of [a, b]) await expect(history.locator(`tr[data-run-id="${id}"]`)).toHaveAttribute('data-status', 'finished')

  // One run: its summary and its per-second charts.
  await page.getByRole('button', { name: `Open custom (${a})` }).click()
  const run = page.getByRole('region', { name: 'Run custom' })
  await expect(run).toHaveAttribute('data-run-id', a)
  await expect(run.getByRole('figure', { name: 'Request rate' })).toBeVisible()
  expect(Number(await run.getByRole('figure', { name: 'Request rate' }).getAttribute('data-points'))).toBeGreaterThan(0)
  await expect(run.locator('[data-figure="Answered rate"] dd')).toHaveText(/\/s$/)

  // Two runs compared: every figure side by side, series overlaid.
  await page.getByRole('checkbox', { name: `Compare custom (${a})` }).check()
  await page.getByRole('checkbox', { name: `Compare custom (${b})` }).check()
  await page.getByRole('button', { name: 'Compare selected (2/2)' }).click()
  const comparison = page.getByRole('region', { name: 'Comparison' })
  await expect(comparison).toHaveAttribute('data-a', a)
  await expect(comparison).toHaveAttribute('data-b', b)
  for (const figure of ['Answered rate', 'Latency p99', 'Refused by server', 'Peak RSS', 'Max event-loop delay']) {
    const row = comparison.locator(`tr[data-figure="${figure}"]`)
    await expect(row.locator('td[data-side="a"]')).not.toHaveText('–')
    await expect(row.locator('td[data-side="b"]')).not.toHaveText('–')
  }
  // B offered twice A's rate.
  await expect(comparison.locator('tr[data-figure="Offered rate"] td').last()).toHaveText(/×(1\.[89]|2\.[01])/)
  await expect(comparison.getByRole('figure', { name: 'Answered rate, A vs B' })).toHaveAttribute('data-lines', '2')

  // Export: the JSON is the run's record, the CSV its per-second series.
  const [json] = await Promise.all([page.waitForEvent('download'), history.getByRole('link', { name: `Export custom (${a}) as JSON` }).click()])
  const record = JSON.parse(readFileSync((await json.path())!, 'utf8')) as BurstRecord
  expect(record.id).toBe(a)
  expect(record.summary.status).toBe('finished')
  expect(record.series.length).toBeGreaterThan(0)

  const [csv] = await Promise.all([page.waitForEvent('download'), history.getByRole('link', { name: `Export custom (${a}) as CSV` }).click()])
  expect(csv.suggestedFilename()).toBe(`burst-${a}.csv`)
  const lines = readFileSync((await csv.path())!, 'utf8').trim().split('\n')
  const header = lines[0]!.split(',')
  expect(header).toContain('achieved_rps')
  expect(lines.length).toBe(record.series.length + 1)
  for (const line of lines.slice(1)) expect(line.split(',')).toHaveLength(header.length)
})
