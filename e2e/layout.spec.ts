import { expect, test, type Page } from '@playwright/test'
import { SHORT_SPEC, startBurst, stopAnyBurst, waitForRunEnd } from './support/api.ts'
import { openDashboard } from './support/dashboard.ts'

test.afterEach(async ({ request }) => stopAnyBurst(request))

/** How far the page is wider than the screen, in CSS pixels: 0 when nothing spills out. */
const overflow = (page: Page) => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)

/** Text cut with an ellipsis or hidden past its box. */
const truncated = (page: Page, selector: string) =>
  page.locator(selector).evaluateAll((elements) => elements.filter((e) => e.scrollWidth > e.clientWidth + 1).map((e) => e.textContent))

test.describe('on a phone (390 × 844)', () => {
  test.use({ viewport: { width: 390, height: 844 }, isMobile: true, hasTouch: true })

  test('no view is wider than the screen, headline figures are whole, and run charts keep a readable width', async ({ page, request }) => {
    await stopAnyBurst(request)
    const a = await startBurst(request, { spec: SHORT_SPEC })
    await waitForRunEnd(request, a)
    const b = await startBurst(request, { spec: { ...SHORT_SPEC, shape: { kind: 'steady', level: 80 } } })
    await waitForRunEnd(request, b)

    await openDashboard(page)
    expect(await overflow(page)).toBe(0)
    expect(await truncated(page, '.stat-detail, .stat-value')).toEqual([])

    await page.getByRole('button', { name: /^Runs/ }).click()
    await expect(page.getByRole('table', { name: 'Run history' })).toBeVisible()
    expect(await overflow(page)).toBe(0)

    await page.getByRole('button', { name: `Open custom (${a})` }).click()
    const run = page.getByRole('region', { name: 'Run custom' })
    await expect(run.getByRole('figure', { name: 'Request rate' })).toBeVisible()
    expect(await overflow(page)).toBe(0)
    expect(Number(await run.getByRole('figure', { name: 'Request rate' }).getAttribute('data-width'))).toBeGreaterThan(280)

    await page.getByRole('checkbox', { name: `Compare custom (${a})` }).check()
    await page.getByRole('checkbox', { name: `Compare custom (${b})` }).check()
    await page.getByRole('button', { name: 'Compare selected (2/2)' }).click()
    const comparison = page.getByRole('region', { name: 'Comparison' })
    await expect(comparison.getByRole('figure', { name: 'Answered rate, A vs B' })).toBeVisible()
    expect(await overflow(page)).toBe(0)
    for (const figure of await comparison.locator('figure').all()) expect(Number(await figure.getAttribute('data-width'))).toBeGreaterThan(280)
  })
})

test.describe('on a desktop (1440 × 900)', () => {
  test.use({ viewport: { width: 1440, height: 900 } })

  test('the knobs are in view beside the presets, preset text is clean, and the charts open on one minute', async ({ page }) => {
    await openDashboard(page)
    await expect(page.getByRole('radio', { name: '1 min' })).toHaveAttribute('aria-checked', 'true')
    const knobs = (await page.getByRole('heading', { name: 'Knobs' }).boundingBox())!
    expect(knobs.y + knobs.height).toBeLessThan(900)
    // Code in a preset's description is set as code, not as backticks.
    const level0 = page.locator('li[data-preset="level-0-insert-per-request"]')
    await level0.getByText('Level 0: insert per request').click()
    await expect(level0.locator('.preset-watch code')).toHaveText('direct')
    expect(await page.locator('.preset-watch').allTextContents()).not.toContainEqual(expect.stringContaining('`'))
    // What a preset sets for its run is said before it runs.
    await expect(page.locator('li[data-preset="queue-full-spike"] .preset-knobs')).toHaveText(/DB latency 500 ms, Queue cap 20K events/)
  })

  test('chart labels are inside their charts: the top y label and the last time label are not cut', async ({ page }) => {
    await openDashboard(page)
    // Every chart in one pass in the page: a round trip per chart is slow on a busy machine.
    const cut = await page.locator('figure[data-chart]').evaluateAll((figures) =>
      figures.flatMap((f) => {
        const svg = f.querySelector('svg.recharts-surface')!.getBoundingClientRect()
        const out: string[] = []
        for (const text of f.querySelectorAll('.recharts-cartesian-axis-tick text')) {
          const box = text.getBoundingClientRect()
          if (box.width === 0) continue
          if (box.left < svg.left - 0.5 || box.right > svg.right + 0.5 || box.top < svg.top - 0.5) out.push(`${f.getAttribute('data-chart')}: ${text.textContent}`)
        }
        return out
      }),
    )
    expect(cut, 'axis labels cut at the edge of their chart').toEqual([])
    // "not ready" is named in the legend, where a burst's name cannot sit on it.
    const queue = page.locator('figure[data-chart="queue"]')
    await expect(queue.getByRole('list', { name: 'Queue depth series' })).toContainText('not ready (80%)')
    await expect(queue.locator('svg text', { hasText: 'not ready' })).toHaveCount(0)
  })
})
