import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { api } from './support/bursts.ts'
import { NDJSON, ndjson, postEvents } from './support/post.ts'
import { startTestSluice, type TestSluice } from './support/sluice.ts'

let sluice: TestSluice
beforeAll(async () => {
  sluice = await startTestSluice({ token: 's3cret' })
})
afterAll(() => sluice?.stop())

describe('GET /api/events/count', () => {
  it('counts the rows in events exactly, and needs the token like every control route', async () => {
    const auth = { authorization: 'Bearer s3cret' }
    expect(await api(sluice.url, 'GET', '/api/events/count', undefined, auth)).toMatchObject({ status: 200, body: { events: 0 } })
    const posted = await postEvents(sluice.url, ndjson([{ a: 1 }, { a: 2 }, { a: 3 }]), { ...NDJSON, ...auth }, '?wait=commit')
    expect(posted.status).toBe(200)
    expect(await api(sluice.url, 'GET', '/api/events/count', undefined, auth)).toMatchObject({ status: 200, body: { events: 3 } })
    expect(await sluice.rows()).toBe(3)
    expect(await api(sluice.url, 'GET', '/api/events/count')).toMatchObject({ status: 401, body: { error: 'unauthorized' } })
  })
})
