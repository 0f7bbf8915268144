import { expect, type Locator, type Page } from '@playwright/test'

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
export const liveCharts = (page: Page): Locator => page.locator('section[aria-label="Live charts"]')

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
