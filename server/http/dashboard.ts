import { existsSync, readFileSync } from 'node:fs'
import { fileURLToPath } from 'node:url'
import type { HttpBindings } from '@hono/node-server'
import { serveStatic } from '@hono/node-server/serve-static'
import type { Hono, MiddlewareHandler } from 'hono'

/** Where `npm run build:web` writes the dashboard: two levels up from server/http/ in the source and from dist/server/ in the build alike. */
const WEB_DIST = fileURLToPath(new URL('../../web/dist', import.meta.url))

// Paths the SPA never owns: an unknown API path must stay a JSON 404, not the index page.
const NOT_THE_SPA = /^\/(?:api|v1)(?:\/|$)|^\/(?:metrics|livez|readyz)$/

/** Whether a path is the server's (API, stream, probes, metrics) rather than the dashboard's files. */
export const isServerPath = (path: string) => NOT_THE_SPA.test(path)

const NOT_BUILT = `<!doctype html><meta charset="utf-8"><title>Sluice</title>
<p>The dashboard is not built. Run <code>npm run build</code> (or <code>npm start</code>, which builds it when missing) and reload.</p>`

/**
 * Serves the built dashboard at `/` with an SPA fallback to index.html. Register it after
 * every API route: it only answers GET/HEAD paths that nothing else matched.
 */
export function mountDashboard(app: Hono<{ Bindings: HttpBindings }>): void {
  app.use('/*', async (c, next) => {
    await next()
    if (c.res.status !== 200) return
    // Vite names assets by content hash, so they never change under the same URL; the
    // index page names the current ones and must be checked every time.
    if (c.req.path.startsWith('/assets/')) c.header('Cache-Control', 'public, max-age=31536000, immutable')
    else if (c.res.headers.get('content-type')?.startsWith('text/html')) c.header('Cache-Control', 'no-cache')
  })
  // Made on first use so a server started before `npm run build` serves the build once it exists.
  let statics: MiddlewareHandler | undefined
  app.use('/*', (c, next) => {
    if (!statics && !existsSync(WEB_DIST)) return next()
    statics ??= serveStatic({ root: WEB_DIST })
    return statics(c, next)
  })
  app.get('*', (c, next) => {
    if (NOT_THE_SPA.test(c.req.path) || !(c.req.header('accept') ?? '').includes('text/html')) return next()
    const index = `${WEB_DIST}/index.html`
    // Read per request (it is small) so a rebuild shows without a restart.
    return c.html(existsSync(index) ? readFileSync(index, 'utf8') : NOT_BUILT)
  })
}
