import { expect, test, type Page } from '@playwright/test'
import { clock } from '../shared/format.ts'
import { getConfig, patchConfig } from './support/api.ts'
import { chart, liveCharts, openDashboard, waitForTicks } from './support/dashboard.ts'

/** Both ends read at once: two reads could straddle a redraw. */
const rangeOf = (page: Page) => liveCharts(page).evaluate((e) => ({ from: Number(e.getAttribute('data-from')), to: Number(e.getAttribute('data-to')) }))

/**
 * Each time label of a chart, beside the label the range would put at the spot where it is
 * drawn. They agree only if the chart draws that range: equal label texts alone do not show
 * it, since a narrow plot's one label (say "22:51:00") can lie in the live minute and in the
 * zoomed third of it alike.
 */
async function labelsAgainst(page: Page, id: string, range: { from: number; to: number }) {
  const plot = (await chart(page, id).locator('.zoom-target').boundingBox())!
  const drawn = await chart(page, id).locator('.recharts-xAxis-tick-labels text').evaluateAll((texts) =>
    texts.map((t) => { const box = t.getBoundingClientRect(); return { text: t.textContent ?? '', x: box.x + box.width / 2 } }))
  // Labels stand at whole seconds; a pixel is well under half a second at a minute's width.
  return drawn.map(({ text, x }) => ({ drawn: text, there: clock(Math.round((range.from + ((x - plot.x) / plot.width) * (range.to - range.from)) / 1_000) * 1_000) }))
}

test('dragging across a chart zooms every chart to that range, which the URL keeps; Live follows the stream again', async ({ page }) => {
  await openDashboard(page)
  await waitForTicks(page, 8)
  const before = await rangeOf(page)
  expect(before.to - before.from).toBe(60_000)

  // Drag over the middle third of the throughput plot. dragTo checks that the point takes
  // the press before pressing. Beside a CPU burner a drag was once lost all the same (the
  // view stayed live; not reproduced in 12 runs beside two burners), so it gets three tries.
  const target = chart(page, 'throughput').locator('.zoom-target')
  await expect(async () => {
    const plot = (await target.boundingBox())!
    const y = plot.height / 2
    await target.dragTo(target, { sourcePosition: { x: plot.width / 3, y }, targetPosition: { x: (plot.width * 2) / 3, y }, steps: 8 })
    await expect(liveCharts(page)).toHaveAttribute('data-following', 'false', { timeout: 5_000 })
  }).toPass({ intervals: [500], timeout: 40_000 })
  const zoomed = await rangeOf(page)
  // A third of the minute, inside it (the live window only moves on, so not before it).
  expect(zoomed.to - zoomed.from).toBeGreaterThan(15_000)
  expect(zoomed.to - zoomed.from).toBeLessThan(25_000)
  expect(zoomed.from).toBeGreaterThanOrEqual(before.from)
  // Every chart took the range, not just the one dragged: each time label stands where the
  // zoomed range puts it.
  for (const id of ['throughput', 'queue', 'memory', 'client-rate']) {
    await expect.poll(async () => {
      const labels = await labelsAgainst(page, id, zoomed)
      return labels.length > 0 && labels.every((l) => l.drawn === l.there)
    }, { message: `${id}'s time labels stand where the zoomed range puts them` }).toBe(true)
  }
  await expect(page.getByRole('status', { name: 'Shown range' })).toBeVisible()
  const url = new URL(page.url())
  expect(Number(url.searchParams.get('from'))).toBe(Math.round(zoomed.from))
  expect(Number(url.searchParams.get('to'))).toBe(Math.round(zoomed.to))

  // Held still: new ticks do not move it.
  await waitForTicks(page, 4)
  expect(await rangeOf(page)).toEqual(zoomed)

  // The URL opens the same view.
  await page.reload()
  await expect(liveCharts(page)).toHaveAttribute('data-following', 'false')
  expect((await rangeOf(page)).from).toBe(Math.round(zoomed.from))

  await page.getByRole('button', { name: '▶ Live' }).click()
  await expect(liveCharts(page)).toHaveAttribute('data-following', 'true')
  expect(new URL(page.url()).searchParams.has('from')).toBe(false)

  // Pause holds the current minute; a window choice follows live again and is in the URL.
  await page.getByRole('button', { name: '❚❚ Pause' }).click()
  await expect(liveCharts(page)).toHaveAttribute('data-following', 'false')
  const paused = await rangeOf(page)
  await waitForTicks(page, 4)
  expect(await rangeOf(page)).toEqual(paused)
  await page.getByRole('radio', { name: '5 min', exact: true }).click()
  await expect(liveCharts(page)).toHaveAttribute('data-following', 'true')
  await expect(liveCharts(page)).toHaveAttribute('data-window-ms', '300000')
  expect(new URL(page.url()).searchParams.get('window')).toBe('300')
})

test('a drag that starts on a mark\'s line zooms too: marks in the window leave no strip that cannot be dragged from', async ({ page, request }) => {
  const original = await getConfig(request)
  try {
    await openDashboard(page)
    await waitForTicks(page, 8)
    // A knob change draws a mark on every chart, at the right edge of the live minute.
    await patchConfig(request, { batchMaxEvents: original.batchMaxEvents === 4_321 ? 4_322 : 4_321 })
    const hit = chart(page, 'throughput').locator('.mark-hit').last()
    await expect(hit).toBeVisible()
    // Paused, so the mark stays where it is pressed.
    await page.getByRole('button', { name: '❚❚ Pause' }).click()
    const mark = (await hit.boundingBox())!
    const plot = (await chart(page, 'throughput').locator('.zoom-target').boundingBox())!
    const y = plot.y + plot.height / 2
    await page.mouse.move(mark.x + mark.width / 2, y)
    await page.mouse.down()
    await page.mouse.move(plot.x + plot.width / 3, y, { steps: 8 })
    await page.mouse.up()
    await expect(page.getByRole('status', { name: 'Shown range' })).toBeVisible()
    const { from, to } = await rangeOf(page)
    expect(to - from).toBeLessThan(60_000)
  } finally {
    await patchConfig(request, { batchMaxEvents: original.batchMaxEvents })
  }
})
