import type { HttpBindings } from '@hono/node-server'
import { Hono } from 'hono'
import { STREAM_PATH } from '../../shared/sse.ts'
import type { Config } from '../config.ts'
import type { Telemetry } from '../metrics/telemetry.ts'
import type { Pipeline } from '../pipeline/pipeline.ts'
import { annotationHandler } from './annotations.ts'
import { ApiError } from './api-error.ts'
import { bearerAuth } from './auth.ts'
import { configApi, InvalidKnobError } from './config-api.ts'
import { streamHandler } from './stream.ts'

export interface ObservabilityOptions {
  readonly config: Config
  readonly pipeline: Pipeline
  readonly telemetry: Telemetry
  readonly log: (line: string) => void
}

/**
 * The live stream, /metrics, and the routes that change what it shows (config,
 * annotations). Reading is open; changing needs the token when one is set. Errors are
 * answered here so a refused control request is not counted as a refused ingest.
 */
export function observabilityRoutes({ config, pipeline, telemetry, log }: ObservabilityOptions) {
  const routes = new Hono<{ Bindings: HttpBindings }>()
  const auth = bearerAuth(config.token)
  const settings = configApi({ config, pipeline, hub: telemetry.hub, log })
  const registry = telemetry.registry

  routes.onError((error, c) => {
    if (error instanceof InvalidKnobError) return c.json({ error: error.code, field: error.field, detail: error.detail }, error.status)
    if (error instanceof ApiError) return c.json({ error: error.code, ...error.body }, error.status)
    log(`unhandled error on ${c.req.method} ${c.req.path}: ${(error as Error).stack ?? error}`)
    return c.json({ error: 'internal' }, 500)
  })

  routes.get(STREAM_PATH, streamHandler(config, pipeline, telemetry))
  routes.get('/metrics', async (c) => c.body(await registry.metrics(), 200, { 'content-type': registry.contentType }))
  routes.get('/api/config', settings.get)
  routes.patch('/api/config', auth, settings.patch)
  routes.post('/api/annotations', auth, annotationHandler(telemetry))
  return routes
}
