import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { SESSION_COOKIE } from '../server/http/session.ts'
import { postEvents } from './support/post.ts'
import { startTestSluice, type TestSluice } from './support/sluice.ts'

const TOKEN = 's3cret-token'
let sluice: TestSluice
beforeAll(async () => {
  sluice = await startTestSluice({ token: TOKEN })
})
afterAll(() => sluice?.stop())

const get = (path: string, headers: Record<string, string> = {}) => fetch(`${sluice.url}${path}`, { headers, signal: AbortSignal.timeout(5_000) })

/** Status of a GET; a stream's body is cancelled once its status is known. */
async function status(path: string, headers: Record<string, string> = {}): Promise<number> {
  const response = await get(path, headers)
  await response.body?.cancel()
  return response.status
}

async function openSession(token: string): Promise<Response> {
  return fetch(`${sluice.url}/api/session`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', origin: sluice.url },
    body: JSON.stringify({ token }),
    signal: AbortSignal.timeout(5_000),
  })
}

const PROTECTED = ['/api/stream', '/metrics', '/api/config', '/api/bursts', '/api/presets', '/readyz']

describe('with SLUICE_TOKEN set', () => {
  it('answers 401 on every server path without credentials, the stream and /metrics included', async () => {
    for (const path of PROTECTED) expect(await status(path), path).toBe(401)
  })

  it('answers every server path to the bearer token (what Prometheus and scripts send)', async () => {
    for (const path of PROTECTED) expect(await status(path, { authorization: `Bearer ${TOKEN}` }), path).toBeLessThan(300)
  })

  it('leaves open only the dashboard page, liveness and the session route', async () => {
    expect(await status('/', { accept: 'text/html' })).toBe(200)
    expect(await status('/livez')).toBe(200)
    expect(await (await get('/api/session')).json()).toEqual({ tokenRequired: true, authenticated: false })
  })

  it('opens no session for a wrong token', async () => {
    const response = await openSession('wrong')
    expect(response.status).toBe(401)
    expect(response.headers.get('set-cookie')).toBeNull()
  })

  it('opens a session with the token: an HttpOnly, SameSite=Strict cookie that every server path takes', async () => {
    const response = await openSession(TOKEN)
    expect(response.status).toBe(200)
    const setCookie = response.headers.get('set-cookie') ?? ''
    expect(setCookie).toMatch(new RegExp(`^${SESSION_COOKIE}=`))
    expect(setCookie).toMatch(/;\s*HttpOnly/i)
    expect(setCookie).toMatch(/;\s*SameSite=Strict/i)
    expect(setCookie).toMatch(/;\s*Path=\/(;|$)/)
    expect(setCookie).not.toContain(TOKEN)
    const cookie = { cookie: setCookie.split(';')[0]! }
    for (const path of PROTECTED) expect(await status(path, cookie), path).toBeLessThan(300)
    expect(await (await get('/api/session', cookie)).json()).toEqual({ tokenRequired: true, authenticated: true })
    // Changing things works with the session alone, from the dashboard's own origin.
    const annotated = await fetch(`${sluice.url}/api/annotations`, { method: 'POST', headers: { ...cookie, 'content-type': 'application/json', origin: sluice.url }, body: '{"text":"by session"}' })
    expect(annotated.status).toBe(201)
  })

  it('refuses a forged or tampered cookie', async () => {
    const [name, value] = ((await openSession(TOKEN)).headers.get('set-cookie') ?? '').split(';')[0]!.split('=')
    const [expires, mac] = value!.split('.')
    const later = `${Number(expires) + 3600}.${mac}`
    for (const forged of [later, `${expires}.${'A'.repeat(mac!.length)}`, `${expires}`, 'garbage']) {
      expect(await status('/api/config', { cookie: `${name}=${forged}` }), forged).toBe(401)
    }
  })

  it('takes events with the bearer token only: a session cookie is not an ingest credential', async () => {
    const cookie = { cookie: ((await openSession(TOKEN)).headers.get('set-cookie') ?? '').split(';')[0]! }
    expect((await postEvents(sluice.url, '{"a":1}', { 'content-type': 'application/json', ...cookie })).status).toBe(401)
    expect((await postEvents(sluice.url, '{"a":1}', { 'content-type': 'application/json', authorization: `Bearer ${TOKEN}` }, '?wait=commit')).status).toBe(200)
    expect(await sluice.rows()).toBe(1)
  })

  it('ends the session on DELETE /api/session by clearing the cookie', async () => {
    const response = await fetch(`${sluice.url}/api/session`, { method: 'DELETE', headers: { origin: sluice.url }, signal: AbortSignal.timeout(5_000) })
    expect(response.status).toBe(200)
    expect(response.headers.get('set-cookie')).toMatch(new RegExp(`^${SESSION_COOKIE}=;.*Max-Age=0`, 'i'))
  })
})

describe('without a token', () => {
  it('needs no session: the dashboard is told so', async () => {
    const open = await startTestSluice()
    try {
      const response = await fetch(`${open.url}/api/session`, { signal: AbortSignal.timeout(5_000) })
      expect(await response.json()).toEqual({ tokenRequired: false, authenticated: true })
      expect((await fetch(`${open.url}/metrics`, { signal: AbortSignal.timeout(5_000) })).status).toBe(200)
    } finally {
      await open.stop()
    }
  })
})
