import { request } from 'node:http'
import { expect } from 'vitest'
import type { BurstRecord, BurstSpec, BurstSummary } from '../../shared/bursts.ts'
import { eventually } from './sluice.ts'

export interface ApiAnswer<T = Record<string, unknown>> {
  status: number
  body: T
}

/**
 * A control-API call with a deadline, on a connection of its own (no keep-alive pool, so
 * a test can count the server's connections); the JSON body is parsed when there is one.
 */
export function api<T = Record<string, unknown>>(baseUrl: string, method: string, path: string, body?: unknown, headers: Record<string, string> = {}): Promise<ApiAnswer<T>> {
  const payload = body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body)
  return new Promise((resolve, reject) => {
    const req = request(`${baseUrl}${path}`, {
      method,
      agent: false,
      timeout: 10_000,
      headers: { ...(payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }), ...headers },
    })
    req.on('timeout', () => req.destroy(new Error(`${method} ${path}: no answer within 10 s`)))
    req.on('error', reject)
    req.on('response', (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('error', reject)
      res.on('end', () => {
        const json = text !== '' && (res.headers['content-type'] ?? '').includes('json')
        resolve({ status: res.statusCode ?? 0, body: (json ? JSON.parse(text) : text) as T })
      })
    })
    req.end(payload)
  })
}

export const SMALL_BODY = { eventsPerRequest: 5, eventBytes: 100, format: 'ndjson' } as const

/** Starts a burst through POST /api/bursts and returns its id. */
export async function startBurst(baseUrl: string, spec: BurstSpec): Promise<string> {
  const started = await api<{ id: string }>(baseUrl, 'POST', '/api/bursts', { spec })
  if (started.status !== 201) throw new Error(`POST /api/bursts answered ${started.status}: ${JSON.stringify(started.body)}`)
  return started.body.id
}

/** Waits (with a deadline) until the burst has ended and returns its record. */
export async function endedBurst(baseUrl: string, id: string, timeoutMs = 20_000): Promise<BurstRecord> {
  let record: BurstRecord | undefined
  await eventually(async () => {
    record = (await api<BurstRecord>(baseUrl, 'GET', `/api/bursts/${id}`)).body
    return record.summary.status !== 'running'
  }, timeoutMs, `burst ${id} to end`)
  return record!
}

/** Runs a burst to its end and returns its summary. */
export async function runBurst(baseUrl: string, spec: BurstSpec, timeoutMs?: number): Promise<BurstSummary> {
  return (await endedBurst(baseUrl, await startBurst(baseUrl, spec), timeoutMs)).summary
}

/**
 * Checks that an open-model burst scheduled what it was asked to and every request it
 * sent got `status`. A generator that falls a second behind its schedule (a busy machine)
 * skips sends and says so, by design; one stopped at the run's deadline leaves the last
 * of its schedule in neither count (seen once, 89 of 90, at load average 7 on 2 cores).
 * Returns how many were sent.
 */
export function expectAllAnswered(summary: BurstSummary, intended: number, status: number): number {
  const { sent, skipped } = summary.requests
  expect(summary.requests.intended).toBe(intended)
  expect(sent + skipped).toBeLessThanOrEqual(intended)
  expect(sent).toBeGreaterThan(intended / 2)
  expect(summary.statuses).toEqual({ [status]: sent })
  return sent
}
