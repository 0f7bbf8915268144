import type { MiddlewareHandler } from 'hono'
import { requireCredentials, type Sessions } from './session.ts'

/**
 * Requires `Authorization: Bearer <token>` when a token is configured: ingest clients and
 * Prometheus send it. Without a token, everything is open (bind to loopback, the default).
 */
export function bearerAuth(sessions: Sessions | undefined): MiddlewareHandler {
  return async function requireToken(c, next) {
    if (sessions) requireCredentials(c, sessions, false)
    await next()
  }
}

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
