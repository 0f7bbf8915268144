import { expect, test } from '@playwright/test'
import { getConfig, patchConfig } from './support/api.ts'
import { chartNumber, chartText, openDashboard } from './support/dashboard.ts'

test('changing the batch size knob shows in the next flushes and is marked on the charts', async ({ page, request }) => {
  const original = await getConfig(request)
  try {
    await openDashboard(page)
    await page.getByRole('radio', { name: '1 min', exact: true }).click()
    const knob = page.getByLabel('Batch size (events)')
    await expect(knob).toHaveValue(String(original.batchMaxEvents))
    await knob.fill('100')
    await knob.press('Enter')

    // Applied at once, and marked on every chart.
    await expect.poll(async () => (await getConfig(request)).batchMaxEvents).toBe(100)
    // From the default (20,000, drawn as "20K") to 100.
    await expect.poll(() => chartText(page, 'flushes', 'mark-texts')).toMatch(/Batch (\d[\d,.]*K?) → 100 events/)
    await expect.poll(() => chartText(page, 'throughput', 'mark-texts')).toContain('Batch ')

    // 3 000 events arrive at once; the batcher now writes them 100 at a time, each flush triggered by size.
    for (let i = 0; i < 3; i++) {
      const response = await request.post('/v1/events', { data: Array.from({ length: 1_000 }, (_, n) => ({ type: 'knob', n })) })
      expect(response.status()).toBe(202)
    }
    await expect.poll(() => chartText(page, 'flushes', 'last-flush-trigger')).toBe('size')
    await expect.poll(() => chartNumber(page, 'flushes', 'last-flush-events')).toBe(100)
    await expect(page.getByRole('figure', { name: 'Batch flushes' })).toContainText('last: 100 events')

    // An out-of-range value is not sent, and the field says so rather than sitting there as if in force.
    await knob.fill('0')
    await expect(knob).toHaveAttribute('aria-invalid', 'true')
    await knob.press('Enter')
    const hint = page.locator('[data-knob="batchMaxEvents"] .knob-hint')
    await expect(hint).toHaveAttribute('role', 'alert')
    await expect(hint).toContainText('Not applied')
    await expect(hint).toContainText('Still 100 events')
    expect((await getConfig(request)).batchMaxEvents).toBe(100)
  } finally {
    await patchConfig(request, { batchMaxEvents: original.batchMaxEvents })
  }
})

test('the writer strategy select applies at once', async ({ page, request }) => {
  const original = await getConfig(request)
  try {
    await openDashboard(page)
    await page.getByLabel('Writer strategy').selectOption('batch')
    await expect.poll(async () => (await getConfig(request)).writer).toBe('batch')
    await expect(page.getByRole('group', { name: 'Events per second' })).toContainText('batch writer')
  } finally {
    await patchConfig(request, { writer: original.writer })
  }
})
