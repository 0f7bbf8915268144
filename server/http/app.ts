import type { HttpBindings } from '@hono/node-server'
import { Hono } from 'hono'
import type { Config } from '../config.ts'
import { IngestError } from '../errors.ts'
import type { Pipeline } from '../pipeline/pipeline.ts'
import { bearerAuth } from './auth.ts'
import { errorResponse, ingestHandler } from './ingest.ts'

export interface AppOptions {
  readonly config: Config
  readonly pipeline: Pipeline
  readonly log: (line: string) => void
}

export function createApp({ config, pipeline, log }: AppOptions) {
  const app = new Hono<{ Bindings: HttpBindings }>()
  const auth = bearerAuth(config.token)

  app.post('/v1/events', auth, ingestHandler(config, pipeline))

  app.get('/livez', (c) => c.json({ live: true }))
  app.get('/readyz', (c) => {
    const reason = pipeline.notReadyBecause()
    return reason ? c.json({ ready: false, reason }, 503) : c.json({ ready: true })
  })

  app.notFound((c) => c.json({ error: 'not_found' }, 404))
  app.onError((error, c) => {
    if (error instanceof IngestError) return errorResponse(c, error, pipeline)
    log(`unhandled error on ${c.req.method} ${c.req.path}: ${(error as Error).stack ?? error}`)
    pipeline.stats.countStatus(500)
    return c.json({ error: 'internal' }, 500)
  })
  return app
}
