import { expect, test } from '@playwright/test'
import { getConfig, patchConfig, SHORT_SPEC, startBurst, stopAnyBurst, waitForRunEnd } from './support/api.ts'
import { chart, chartNumber, openDashboard } from './support/dashboard.ts'

test.afterEach(async ({ request }) => stopAnyBurst(request))

test('after a reload the burst charts still draw a run that ended before the page opened', async ({ page, request }) => {
  await stopAnyBurst(request)
  const id = await startBurst(request, { spec: SHORT_SPEC })
  await waitForRunEnd(request, id)

  for (const visit of ['first load', 'reload']) {
    if (visit === 'first load') await openDashboard(page)
    else await page.reload()
    // The page never saw the run's ticks: the lines come from its record, under its span.
    for (const id of ['client-latency', 'client-rate']) {
      await expect.poll(() => chartNumber(page, id, 'points'), { message: `${id} has points after the ${visit}` }).toBeGreaterThan(0)
      await expect(chart(page, id).locator('.chart-empty')).toHaveCount(0)
      await expect(chart(page, id)).toHaveAttribute('data-span-names', /custom/)
    }
    await expect.poll(() => chartNumber(page, 'client-rate', 'max-achieved')).toBeGreaterThan(0)
    // And the burst card shows the last run, not nothing.
    await expect(page.getByRole('region', { name: 'Current burst' })).toHaveAttribute('data-burst-id', id)
  }
})

test('after a reload a knob change is still marked on the charts, with who made it', async ({ page, request }) => {
  const original = await getConfig(request)
  const latency = original.dbLatencyMs === 3 ? 4 : 3
  try {
    await openDashboard(page)
    await patchConfig(request, { dbLatencyMs: latency })
    const text = `DB latency ${original.dbLatencyMs} ms → ${latency} ms`
    for (const visit of ['live', 'reload']) {
      if (visit === 'reload') await page.reload()
      // The page after the reload never saw the `config` event: the server kept the change for its hello.
      await expect(chart(page, 'queue'), `the mark after the ${visit}`).toHaveAttribute('data-mark-texts', new RegExp(text))
      await expect(chart(page, 'queue').locator('.mark-hit title', { hasText: `${text} (by api)` })).toHaveCount(1)
    }
  } finally {
    await patchConfig(request, { dbLatencyMs: original.dbLatencyMs })
  }
})
