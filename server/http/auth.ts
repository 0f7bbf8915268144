import { createHash, timingSafeEqual } from 'node:crypto'
import type { MiddlewareHandler } from 'hono'
import { unauthorized } from '../errors.ts'

const digest = (value: string) => createHash('sha256').update(value).digest()

/**
 * Requires `Authorization: Bearer <token>` when a token is configured. Both sides are
 * hashed first so the comparison takes the same time whatever the length or prefix.
 */
export function bearerAuth(token: string | undefined): MiddlewareHandler {
  const expected = token === undefined ? undefined : digest(token)
  return async function requireToken(c, next) {
    if (expected) {
      const header = c.req.header('authorization') ?? ''
      const given = header.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : ''
      if (!timingSafeEqual(digest(given), expected)) throw unauthorized()
    }
    await next()
  }
}
