import type { MiddlewareHandler } from 'hono'
import { forbidden } from '../errors.ts'

/** Names that always mean this machine: a page can only reach them from this machine. */
const LOOPBACK_NAMES = ['localhost', '127.0.0.1', '[::1]']

/** The host name of a Host header (or an Origin's host), port and a trailing dot dropped, lower-cased. */
export function hostName(host: string): string {
  const value = host.trim().toLowerCase()
  if (value.startsWith('[')) return value.slice(0, value.indexOf(']') + 1)
  const colon = value.indexOf(':')
  return (colon === -1 ? value : value.slice(0, colon)).replace(/\.$/, '')
}

/** Loopback names, the bind address (bracketed when IPv6) and the configured extra names. */
export function allowedHostNames(bindHost: string, extra: readonly string[]): ReadonlySet<string> {
  const bind = bindHost.includes(':') && !bindHost.startsWith('[') ? `[${bindHost}]` : bindHost
  return new Set([...LOOPBACK_NAMES, bind.toLowerCase(), ...extra])
}

/**
 * Answers only to the Host names the server is for: 403 `forbidden` to any other. This is
 * what stops DNS rebinding, where a page on evil.example re-points its own name at
 * 127.0.0.1 and then talks to Sluice as a same-origin page with `Host: evil.example`.
 * `*` among the names turns the check off.
 */
export function hostCheck(allowed: ReadonlySet<string>): MiddlewareHandler {
  return async function checkHost(c, next) {
    requireHost(allowed, c.req.header('host'))
    await next()
  }
}

/** Throws 403 `forbidden` unless `host` (a Host header) names this server. */
export function requireHost(allowed: ReadonlySet<string>, host: string | undefined): void {
  if (allowed.has('*')) return
  if (host === undefined || !allowed.has(hostName(host))) throw forbidden(`host "${host ?? ''}" is not one this server answers to (SLUICE_ALLOWED_HOSTS adds names)`)
}
