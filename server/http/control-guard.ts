import type { MiddlewareHandler } from 'hono'
import { forbidden, unsupportedMediaType } from '../errors.ts'
import { parseMediaType } from '../pipeline/media-type.ts'

const WITH_BODY = new Set(['POST', 'PUT', 'PATCH'])

/**
 * Guards a state-changing control route against other web pages (CSRF):
 * - a body must be `application/json`: a page can send text/plain, a form or
 *   multipart to any site without a CORS preflight, but not JSON, which needs one that
 *   this server never grants;
 * - an `Origin` header, when the browser sends one, must be this server's own (the same
 *   host and port the request was sent to; the Host check has already vetted that name).
 * Requests without Origin come from tools (curl, scripts), which no page can drive.
 */
export function controlGuard(): MiddlewareHandler {
  return async function guardControl(c, next) {
    const origin = c.req.header('origin')
    if (origin !== undefined && !sameOrigin(origin, c.req.header('host'))) throw forbidden(`origin "${origin}" is not this server's`)
    if (WITH_BODY.has(c.req.method)) {
      const type = c.req.header('content-type')
      if (parseMediaType(type ?? '')?.essence !== 'application/json') throw unsupportedMediaType(`control requests take application/json, not "${type ?? ''}"`)
    }
    await next()
  }
}

/** Whether an Origin names the host and port the request came to; "null" (sandboxed pages, file:) never does. */
function sameOrigin(origin: string, host: string | undefined): boolean {
  if (host === undefined) return false
  let url: URL
  try {
    url = new URL(origin)
  } catch {
    return false
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return false
  // A TLS proxy in front makes the page's origin https while this server hears http: the
  // scheme differs, the host the browser meant does not. URL drops default ports, and so
  // does a browser's Host header.
  return url.host === host.trim().toLowerCase()
}
