import { expect, type APIRequestContext } from '@playwright/test'
import type { BurstList, BurstStarted, ConfigResponse } from '../../shared/api.ts'
import type { BurstSpec, BurstSummary } from '../../shared/bursts.ts'
import type { LiveConfig } from '../../shared/config.ts'

/** The control API, straight: what specs use to set up and to clean up after themselves. */

export async function listBursts(request: APIRequestContext): Promise<BurstList> {
  const response = await request.get('/api/bursts')
  expect(response.status()).toBe(200)
  return (await response.json()) as BurstList
}

/** Stops the running burst, if any, and waits until the server takes a new one. */
export async function stopAnyBurst(request: APIRequestContext): Promise<void> {
  const { running } = await listBursts(request)
  if (running) await request.delete(`/api/bursts/${running}`)
  await expect.poll(async () => (await listBursts(request)).running, { timeout: 30_000, message: 'no burst left running' }).toBeNull()
}

/**
 * Starts a burst through the API. The server takes one at a time and keeps itself busy
 * for a moment after a run (saving it, restoring its knobs): 409 means try again.
 */
export async function startBurst(request: APIRequestContext, what: { preset: string } | { spec: BurstSpec }): Promise<string> {
  let id = ''
  await expect
    .poll(
      async () => {
        const response = await request.post('/api/bursts', { data: what })
        if (response.status() === 201) id = ((await response.json()) as BurstStarted).id
        return response.status()
      },
      { timeout: 30_000, intervals: [250, 500, 1_000], message: 'POST /api/bursts answers 201' },
    )
    .toBe(201)
  return id
}

/** Waits until the run has ended (finished, stopped or failed) and returns its summary. */
export async function waitForRunEnd(request: APIRequestContext, id: string, timeout = 90_000): Promise<BurstSummary> {
  let summary: BurstSummary | undefined
  await expect
    .poll(
      async () => {
        const { running, bursts } = await listBursts(request)
        summary = bursts.find((b) => b.id === id)
        return running !== id && summary !== undefined && summary.status !== 'running'
      },
      { timeout, intervals: [500, 1_000], message: `run ${id} ends` },
    )
    .toBe(true)
  return summary!
}

export async function getConfig(request: APIRequestContext): Promise<LiveConfig> {
  const response = await request.get('/api/config')
  expect(response.status()).toBe(200)
  return ((await response.json()) as ConfigResponse).live
}

export async function patchConfig(request: APIRequestContext, change: Partial<LiveConfig>): Promise<void> {
  const response = await request.patch('/api/config', { data: change })
  expect(response.status(), await response.text()).toBe(200)
}

/** A short, light custom burst: enough to leave a run in history without loading the machine. */
export const SHORT_SPEC: BurstSpec = {
  model: 'open',
  shape: { kind: 'steady', level: 50 },
  durationMs: 2_000,
  body: { eventsPerRequest: 5, eventBytes: 100, format: 'ndjson' },
}
