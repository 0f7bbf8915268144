import { expect, type Locator, type Page } from '@playwright/test'
import { prefillHistory } from './prefill.ts'

/** The dashboard as a user sees it: by role and label, and the figures charts expose. */

export async function openDashboard(page: Page): Promise<void> {
  await page.goto('/')
  await expect(connection(page)).toHaveAttribute('data-status', 'live')
  // At least one tick drawn: the charts have a point.
  await expect.poll(() => chartNumber(page, 'throughput', 'points')).toBeGreaterThan(0)
}

export const connection = (page: Page): Locator => page.locator('[role="status"][aria-label="Connection"]')

export const chart = (page: Page, id: string): Locator => page.locator(`figure[data-chart="${id}"]`)

// A CSS locator on purpose: it is polled every few hundred ms, and a role query walks the
// whole DOM in the page's main thread (measured: a 236 ms long task of its own).
export const LIVE_CHARTS_SELECTOR = 'section[aria-label="Live charts"]'
export const liveCharts = (page: Page): Locator => page.locator(LIVE_CHARTS_SELECTOR)

/** A data-* figure a chart exposes, as a number (NaN when absent). */
export async function chartNumber(page: Page, id: string, name: string): Promise<number> {
  const value = await chart(page, id).getAttribute(`data-${name}`)
  return value === null || value === '' ? Number.NaN : Number(value)
}

export async function chartText(page: Page, id: string, name: string): Promise<string> {
  return (await chart(page, id).getAttribute(`data-${name}`)) ?? ''
}

export async function lastSeq(page: Page): Promise<number> {
  return Number(await liveCharts(page).getAttribute('data-last-seq'))
}

/** Waits until the stream has delivered `ticks` more snapshots than now. */
export async function waitForTicks(page: Page, ticks: number, timeout = 30_000): Promise<void> {
  const start = await lastSeq(page)
  await expect.poll(() => lastSeq(page), { timeout, message: `${ticks} more ticks arrive` }).toBeGreaterThanOrEqual(start + ticks)
}

export const FIFTEEN_MINUTES = 15 * 60_000

/**
 * Opens the dashboard with 15 minutes of synthetic history ahead of the live stream and
 * shows the whole window: the most a chart ever draws, without waiting 15 minutes.
 */
export async function openFullWindow(page: Page): Promise<void> {
  await page.addInitScript(prefillHistory, { minutes: 15 })
  // Timeouts are explicit: the bench calls this outside the test runner and its config.
  const timeout = 20_000
  // Right after a start the server's hello may carry no tick to model history on: load again.
  await expect.poll(async () => {
    await page.goto('/')
    await expect(connection(page)).toHaveAttribute('data-status', 'live', { timeout })
    return page.evaluate(() => (window as unknown as { prefilledTicks?: number }).prefilledTicks ?? 0)
  }, { timeout, message: 'a hello with history to prefill' }).toBeGreaterThan(0)
  await page.getByRole('radio', { name: '15 min' }).click()
  await expect(liveCharts(page)).toHaveAttribute('data-window-ms', String(FIFTEEN_MINUTES), { timeout })
  // 4 Hz for 15 minutes, less the few ticks the server had not yet sampled.
  await expect.poll(async () => Number(await liveCharts(page).getAttribute('data-ticks')), { timeout }).toBeGreaterThanOrEqual(3_500)
}
