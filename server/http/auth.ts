import { createHash, timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import { ApiError } from './api-error.ts'

const digest = (value: string) => createHash('sha256').update(value).digest()

const refuseControl = () => new ApiError('unauthorized', 401)

/**
 * Requires `Authorization: Bearer <token>` when a token is configured. Both sides are
 * hashed first so the comparison takes the same time whatever the length or prefix.
 * `refuse` makes the 401: a control route's by default; the ingest route passes its own
 * so the refusal is counted with the ingest figures.
 */
export function bearerAuth(token: string | undefined, refuse: () => Error = refuseControl): MiddlewareHandler {
  const expected = token === undefined ? undefined : digest(token)
  return async function requireToken(c, next) {
    if (expected) {
      const header = c.req.header('authorization') ?? ''
      const given = header.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : ''
      if (!timingSafeEqual(digest(given), expected)) throw refuse()
    }
    await next()
  }
}
