import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestSluice, type TestSluice } from './support/sluice.ts'

let sluice: TestSluice
beforeAll(async () => {
  sluice = await startTestSluice()
})
afterAll(() => sluice?.stop())

const post = (body: string, contentType = 'application/json', query = '') =>
  fetch(`${sluice.url}/v1/events${query}`, { method: 'POST', headers: { 'content-type': contentType }, body })

describe('POST /v1/events', () => {
  it('queues one JSON object with 202 and stores it', async () => {
    const before = await sluice.rows()
    const response = await post(JSON.stringify({ type: 'signup', user: 7 }), 'application/json', '?wait=commit')
    expect(response.status).toBe(200)
    expect(await response.json()).toEqual({ accepted: 1, committed: 1 })
    expect(await sluice.rows()).toBe(before + 1)
  })
})
