import { expect, test, type Locator } from '@playwright/test'
import { findPreset } from '../shared/presets.ts'
import { getConfig, stopAnyBurst } from './support/api.ts'
import { connection, openDashboard } from './support/dashboard.ts'
import { CuttableProxy } from './support/proxy.ts'

test.afterEach(async ({ request }) => stopAnyBurst(request))

/** Vertical gap between two elements' boxes, in CSS pixels. */
async function gap(a: Locator, b: Locator): Promise<number> {
  const [boxA, boxB] = [(await a.boundingBox())!, (await b.boundingBox())!]
  return Math.max(boxB.y - (boxA.y + boxA.height), boxA.y - (boxB.y + boxB.height), 0)
}

test('a custom burst the server refuses says why right by the Start button, in the form\'s words, and marks the field', async ({ page, request }) => {
  await stopAnyBurst(request)
  await openDashboard(page)
  await page.getByText('Custom burst…').click()
  const form = page.getByRole('form', { name: 'Custom burst' })
  const duration = form.getByLabel('Duration (s)')
  // Over the server's cap (SLUICE_BURST_MAX_DURATION_MS): only the server knows it.
  await duration.fill('100000')
  const start = form.getByRole('button', { name: 'Start custom burst' })
  await start.click()

  const error = form.getByRole('alert')
  await expect(error).toContainText('Duration: at most 600 s on this server; you entered 100,000.')
  // None of the API's names leak through.
  await expect(error).not.toContainText('durationMs')
  // Beside the button that caused it, not at the top of the panel.
  expect(await gap(error, start)).toBeLessThan(40)
  await expect(duration).toHaveAttribute('aria-invalid', 'true')
  await expect(duration).toBeFocused()
  // Fixing the field clears the mark.
  await duration.fill('2')
  await expect(duration).toHaveAttribute('aria-invalid', 'false')

  // A bad-traffic share the form checks itself is named the same way.
  await form.getByLabel('1 MB bodies').fill('-1')
  await start.click()
  await expect(form.getByRole('alert')).toContainText('1 MB bodies:')
  await expect(form.getByRole('alert')).not.toContainText('oversized_1mb')
  await expect(form.getByLabel('1 MB bodies')).toHaveAttribute('aria-invalid', 'true')
  expect((await request.get('/api/bursts').then((r) => r.json())).running).toBeNull()
})

test('with the server gone, Run says the server did not answer, by the preset that was clicked', async ({ page, baseURL, request }) => {
  expect((await getConfig(request)).queueMaxEvents).toBeGreaterThan(0)
  const proxy = new CuttableProxy(Number(new URL(baseURL!).port))
  try {
    await page.goto(await proxy.start())
    await expect(connection(page)).toHaveAttribute('data-status', 'live')
    await proxy.cut()
    await page.getByRole('button', { name: `Run ${findPreset('steady-at-80')!.title}` }).click()
    const alert = page.locator('li[data-preset="steady-at-80"]').getByRole('alert')
    await expect(alert).toContainText('The burst did not start: the Sluice server did not answer')
    await expect(alert).toContainText('Is it still running?')
    await expect(alert).not.toContainText('Failed to fetch')
  } finally {
    await proxy.close()
  }
})
