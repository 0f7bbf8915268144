import { request } from 'node:http'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { build } from 'esbuild'
import type { Hello } from '../../shared/sse.ts'

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

/**
 * The server's bundle, built as `npm run build:server` builds dist/server but into a
 * folder of this test's own: test/npm-start.test.ts rebuilds dist/server in parallel, and
 * a process started from a file being rewritten reads it half-written. Inside dist/, so
 * packages resolve from the project's node_modules and the dashboard from web/dist, as
 * for dist/server/main.js.
 */
export async function buildServer(name: string): Promise<string> {
  const outdir = path.join(ROOT, 'dist', `test-${name}`)
  await build({
    entryPoints: { main: path.join(ROOT, 'server/main.ts'), generator: path.join(ROOT, 'server/load/worker.ts') },
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outdir,
    logLevel: 'warning',
  })
  return path.join(outdir, 'main.js')
}

export interface Answer {
  readonly status: number
  /** X-Sluice-Instance: which instance (worker) answered. */
  readonly instance: string | undefined
  readonly body: string
}

/**
 * One request on a connection of its own (no keep-alive pool), so that behind node:cluster
 * or a load balancer successive calls can reach different processes. Fails after 10 s.
 */
export function fresh(url: string, method: string, route: string, body?: unknown): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const payload = body === undefined ? undefined : JSON.stringify(body)
    const req = request(`${url}${route}`, {
      method,
      agent: false,
      timeout: 10_000,
      headers: payload === undefined ? {} : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) },
    }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => (text += chunk))
      res.on('end', () => resolve({ status: res.statusCode!, instance: res.headers['x-sluice-instance'] as string | undefined, body: text }))
      res.on('error', reject)
    })
    req.on('timeout', () => req.destroy(new Error(`${method} ${route}: no answer within 10 s`)))
    req.on('error', reject)
    req.end(payload)
  })
}

/** The stream's hello from one connection of its own, and which instance sent it. */
export function freshHello(url: string): Promise<{ instance: string | undefined; hello: Hello }> {
  return new Promise((resolve, reject) => {
    const req = request(`${url}/api/stream`, { agent: false, timeout: 10_000 }, (res) => {
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        text += chunk
        const match = /event: hello\ndata: (.*)\n\n/.exec(text)
        if (!match) return
        req.destroy()
        resolve({ instance: res.headers['x-sluice-instance'] as string | undefined, hello: JSON.parse(match[1]!) as Hello })
      })
      res.on('error', () => {})
    })
    req.on('timeout', () => req.destroy(new Error('no hello within 10 s')))
    req.on('error', reject)
    req.end()
  })
}

/** The pid at the end of a default instance id (host:port/pid). */
export const pidOf = (instance: string | undefined): number => Number(instance?.split('/').at(-1))
