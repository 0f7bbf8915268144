import type { MiddlewareHandler } from 'hono'
import { requireCredentials, type Sessions } from './session.ts'

/**
 * Requires the token or a dashboard session on every route `isProtected` picks: the
 * stream, /metrics, the control API and its GET routes. The dashboard's own files stay
 * open, so a browser can load the page that asks for the token.
 */
export function tokenOrSession(sessions: Sessions | undefined, isProtected: (path: string) => boolean): MiddlewareHandler {
  return async function requireSession(c, next) {
    if (sessions && isProtected(c.req.path)) requireCredentials(c, sessions, true)
    await next()
  }
}
