import { createHash, createHmac, timingSafeEqual } from 'node:crypto'
import type { Context } from 'hono'
import { deleteCookie, getCookie, setCookie } from 'hono/cookie'
import { unauthorized } from '../errors.ts'

export const SESSION_COOKIE = 'sluice_session'
/** How long a dashboard session lasts before the token is asked for again. */
export const SESSION_SECONDS = 12 * 60 * 60

const digest = (value: string) => createHash('sha256').update(value).digest()

/**
 * Dashboard sessions for a configured token, with nothing kept on the server: the cookie
 * is an expiry and its HMAC under a key derived from the token. Changing the token ends
 * every session; a restart ends none. A browser cannot put a bearer token on an
 * EventSource, but it sends this cookie with it.
 */
export class Sessions {
  readonly #key: Buffer
  readonly #token: Buffer

  constructor(token: string) {
    this.#key = createHmac('sha256', token).update('sluice dashboard session v1').digest()
    this.#token = digest(token)
  }

  /** Whether `given` is the token; both sides hashed so the comparison takes the same time whatever the input. */
  isToken(given: string): boolean {
    return timingSafeEqual(digest(given), this.#token)
  }

  #sign(expires: string): string {
    return createHmac('sha256', this.#key).update(expires).digest('base64url')
  }

  /** Whether the request carries an unexpired session cookie signed with this token's key. */
  valid(c: Context): boolean {
    const value = getCookie(c, SESSION_COOKIE)
    const dot = value?.indexOf('.') ?? -1
    if (value === undefined || dot === -1) return false
    const expires = value.slice(0, dot)
    if (!/^\d{1,12}$/.test(expires) || Number(expires) * 1000 < Date.now()) return false
    const given = Buffer.from(value.slice(dot + 1))
    const expected = Buffer.from(this.#sign(expires))
    return given.length === expected.length && timingSafeEqual(given, expected)
  }

  /** Sets the session cookie: HttpOnly (no script reads it), SameSite=Strict (no other site sends it). */
  open(c: Context): void {
    const expires = String(Math.floor(Date.now() / 1000) + SESSION_SECONDS)
    setCookie(c, SESSION_COOKIE, `${expires}.${this.#sign(expires)}`, { httpOnly: true, sameSite: 'Strict', path: '/', maxAge: SESSION_SECONDS })
  }

  close(c: Context): void {
    deleteCookie(c, SESSION_COOKIE, { path: '/' })
  }
}

/** The token of an `Authorization: Bearer <token>` header; '' when there is none. */
export function bearerOf(header = ''): string {
  return header.toLowerCase().startsWith('bearer ') ? header.slice(7).trim() : ''
}

/** Throws 401 unless the request has the token (bearer) or, when `cookie`, a valid session. */
export function requireCredentials(c: Context, sessions: Sessions, cookie: boolean): void {
  if (sessions.isToken(bearerOf(c.req.header('authorization')))) return
  if (cookie && sessions.valid(c)) return
  throw unauthorized()
}
