import { readFile } from 'node:fs/promises'
import { expect, test } from '@playwright/test'
import { listBursts, stopAnyBurst } from './support/api.ts'
import { openDashboard } from './support/dashboard.ts'

test.afterEach(async ({ request }) => stopAnyBurst(request))

test('a lesson runs from its button, shows the figures of its run, and the notebook downloads with them', async ({ page, request }) => {
  await stopAnyBurst(request)
  await openDashboard(page)
  await page.getByRole('button', { name: 'Lessons' }).click()

  // The notes in order, Level 0 first.
  const levels = page.locator('.lesson-level h3')
  await expect(levels).toHaveCount(4)
  await expect(levels.first()).toContainText('Level 0')
  // The crash lesson is done at a terminal: its commands name this server's pid and address.
  const { fixed } = await (await request.get('/api/config')).json() as { fixed: { pid: number } }
  const crash = page.locator('li[data-lesson="spool-crash"]')
  await expect(crash.locator('.lesson-question')).toHaveText('A 202 that survives a crash')
  await expect(crash.locator('.lesson-steps')).toContainText(`kill -9 ${fixed.pid}`)
  await expect(crash.locator('.lesson-steps')).toContainText(`${new URL(page.url()).origin}/api/events/count`)

  const lesson = page.locator('li[data-lesson="queue-full-spike"]')
  await expect(lesson.locator('.lesson-question')).toContainText('slower than the arrivals')
  await expect(lesson.locator('.lesson-why')).toContainText('429 queue_full')
  await lesson.getByRole('button', { name: /Run lesson: Queue-full spike/ }).click()

  // Running, then the figures of that run, pulled from it: 429s among its answers.
  await expect(lesson.locator('.lesson-running')).toBeVisible({ timeout: 20_000 })
  await expect(lesson.locator('.lesson-figures')).toContainText('events/s', { timeout: 90_000 })
  await expect(lesson.locator('.lesson-figures')).toContainText(/429 ×\d+/)
  const run = (await listBursts(request)).bursts.find((b) => b.name === 'queue-full-spike')!
  expect(run.status).toBe('finished')
  await expect(lesson.locator(`.lesson-links a[href="/api/bursts/${run.id}"]`)).toBeVisible()

  const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('link', { name: /Download the notebook/ }).click()])
  expect(download.suggestedFilename()).toBe('sluice-notebook.md')
  const notebook = await readFile((await download.path())!, 'utf8')
  expect(notebook).toContain('## Rejection policy when the queue is full')
  expect(notebook).toContain(`(/api/bursts/${run.id})`)
  expect(notebook).toMatch(/\*\*queue-full-spike\*\* \(.+\): Accepted [\d,.]+ events\/s; p99 \d+ ms; answered 429 ×\d+/)
  expect(notebook).toContain('dbLatencyMs=500')
})
