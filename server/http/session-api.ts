import type { HttpBindings } from '@hono/node-server'
import { Hono } from 'hono'
import type { SessionState } from '../../shared/api.ts'
import { unauthorized } from '../errors.ts'
import { controlGuard } from './control-guard.ts'
import type { Sessions } from './session.ts'

export const SESSION_PATH = '/api/session'

/**
 * /api/session: GET says whether a token is required and whether this request has a
 * session; POST `{"token"}` opens one (the cookie); DELETE ends it in this browser.
 * Open to all: it is how a browser without credentials gets them.
 */
export function sessionApi(sessions: Sessions | undefined) {
  const api = new Hono<{ Bindings: HttpBindings }>()
  api.get('/', (c) => c.json<SessionState>({ tokenRequired: sessions !== undefined, authenticated: sessions === undefined || sessions.valid(c) }))
  api.post('/', controlGuard(), async (c) => {
    const body: unknown = await c.req.json().catch(() => undefined)
    const token = (body as { token?: unknown } | undefined)?.token
    if (!sessions) return c.json<SessionState>({ tokenRequired: false, authenticated: true })
    if (typeof token !== 'string' || !sessions.isToken(token)) throw unauthorized()
    sessions.open(c)
    return c.json<SessionState>({ tokenRequired: true, authenticated: true })
  })
  api.delete('/', controlGuard(), (c) => {
    sessions?.close(c)
    return c.json<SessionState>({ tokenRequired: sessions !== undefined, authenticated: sessions === undefined })
  })
  return api
}
