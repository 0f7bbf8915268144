import { readFileSync } from 'node:fs'
import { pathToFileURL } from 'node:url'
import { expect, test } from '@playwright/test'
import type { BurstRecord } from '../shared/bursts.ts'
import { SHORT_SPEC, startBurst, stopAnyBurst, waitForRunEnd } from './support/api.ts'
import { openDashboard } from './support/dashboard.ts'

test.afterEach(async ({ request }) => stopAnyBurst(request))

test('a run downloads as one HTML file that opens with the network blocked and shows its charts, figures and configuration', async ({ page, context, request }) => {
  await stopAnyBurst(request)
  const id = await startBurst(request, { spec: SHORT_SPEC })
  await waitForRunEnd(request, id)

  await openDashboard(page)
  await page.getByRole('button', { name: /^Runs/ }).click()
  await page.getByRole('button', { name: `Open custom (${id})` }).click()
  const run = page.getByRole('region', { name: 'Run custom' })
  const [download] = await Promise.all([page.waitForEvent('download'), run.getByRole('button', { name: 'Download HTML report' }).click()])
  expect(download.suggestedFilename()).toBe(`burst-${id}.html`)
  // Saved under its own name: the browser reads a file by its extension.
  const file = test.info().outputPath(download.suggestedFilename())
  await download.saveAs(file)
  const html = readFileSync(file, 'utf8')

  // The server makes the same file from the same record (one function for both).
  const served = await request.get(`/api/bursts/${id}?format=html`)
  expect(served.status()).toBe(200)
  expect(served.headers()['content-type']).toContain('text/html')
  expect(await served.text()).toBe(html)

  // Opened with every request refused but the file itself: nothing may be fetched.
  const offline = await context.newPage()
  const url = pathToFileURL(file).href
  const requested: string[] = []
  offline.on('request', (r) => requested.push(r.url()))
  await offline.route('**', (route) => (route.request().url() === url ? route.continue() : route.abort()))
  await offline.goto(url)
  expect(requested.filter((u) => u !== url)).toEqual([])

  await expect(offline.locator('h1')).toHaveText('Custom burst')
  const charts = offline.locator('figure.chart svg[role="img"]')
  await expect(charts).toHaveCount(6)
  for (const name of ['Client request rate', 'Client latency percentiles', 'Answers by status code', 'Server RSS', 'Server event-loop delay', 'CPU']) {
    await expect(offline.getByRole('img', { name: new RegExp(name) })).toBeVisible()
  }
  // Lines were drawn, not just axes.
  expect(await offline.locator('#chart-rate path[d^="M"]').count()).toBe(3)
  await expect(offline.locator('[data-figure="Answered rate"] dd')).toHaveText(/\/s$/)
  await expect(offline.locator('[data-figure="Latency p95"] dd')).toHaveText(/ms$/)
  await expect(offline.getByText('Configuration in force')).toBeVisible()
  await expect(offline.locator('#configuration')).toContainText('steady at 50 requests/s')
  // The record itself travels in the file.
  const embedded = JSON.parse((await offline.locator('#sluice-run').textContent())!) as BurstRecord
  expect(embedded.id).toBe(id)
  expect(embedded.series.length).toBeGreaterThan(0)
  await offline.close()
})
