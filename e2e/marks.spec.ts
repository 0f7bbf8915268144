import { expect, test } from '@playwright/test'
import { getConfig, patchConfig } from './support/api.ts'
import { chart, openDashboard } from './support/dashboard.ts'

const escapeRegExp = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')

test('two knobs changed at once each get a readable label on the charts, and hovering a mark shows its text', async ({ page, request }) => {
  const original = await getConfig(request)
  try {
    await openDashboard(page)
    // What a preset such as queue-full-spike does at its start: two knobs in one change
    // (a queue cap no preset sets, so an earlier spec's mark in the window cannot read the same).
    await patchConfig(request, { dbLatencyMs: 1, queueMaxEvents: 30_000 })

    const queue = chart(page, 'queue')
    const labels = queue.locator('.mark-label .mark-text')
    const latency = `DB latency ${original.dbLatencyMs} ms → 1 ms`
    const capacity = `Queue cap ${original.queueMaxEvents >= 10_000 ? `${original.queueMaxEvents / 1000}K` : original.queueMaxEvents} → 30K events`
    // Both are drawn in full, one row each: neither is cut to "…", neither hides the other.
    // Marks of earlier specs' changes may share the window (a reloaded page draws them too).
    const ours = labels.filter({ hasText: new RegExp(`^(${[latency, capacity].map(escapeRegExp).join('|')})$`) })
    await expect(ours).toHaveText([latency, capacity], { timeout: 20_000 })

    // The hover title fires: the mark's line takes the pointer (a layer above would intercept it).
    const hit = queue.locator('.mark-hit').last()
    await hit.hover()
    await expect(hit.locator('title')).toHaveText(`${capacity} (by api)`)
  } finally {
    await patchConfig(request, { dbLatencyMs: original.dbLatencyMs, queueMaxEvents: original.queueMaxEvents })
  }
})
