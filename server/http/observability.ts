import type { HttpBindings } from '@hono/node-server'
import { Hono } from 'hono'
import { STREAM_PATH } from '../../shared/sse.ts'
import type { Annotation } from '../../shared/sse.ts'
import type { Config } from '../config.ts'
import type { Telemetry } from '../metrics/telemetry.ts'
import type { Pipeline } from '../pipeline/pipeline.ts'
import { annotationHandler } from './annotations.ts'
import { configApi } from './config-api.ts'
import { controlGuard } from './control-guard.ts'
import { streamHandler } from './stream.ts'

export interface ObservabilityOptions {
  readonly config: Config
  readonly pipeline: Pipeline
  readonly telemetry: Telemetry
  /** Keeps a note fleet-wide; unset, on this instance only. */
  readonly annotate?: ((text: string) => Promise<Annotation>) | undefined
}

/**
 * The live stream, /metrics, and the routes that change what it shows (config,
 * annotations). Credentials, when a token is set, are checked before these routes;
 * the changing ones are also closed to other web pages (controlGuard).
 */
export function observabilityRoutes({ config, pipeline, telemetry, annotate }: ObservabilityOptions) {
  const routes = new Hono<{ Bindings: HttpBindings }>()
  const guard = controlGuard()
  const settings = configApi({ config, pipeline })
  const registry = telemetry.registry

  routes.get(STREAM_PATH, streamHandler(config, pipeline, telemetry))
  routes.get('/metrics', async (c) => c.body(await registry.metrics(), 200, { 'content-type': registry.contentType }))
  routes.get('/api/config', settings.get)
  routes.patch('/api/config', guard, settings.patch)
  routes.post('/api/annotations', guard, annotationHandler(telemetry, annotate))
  return routes
}
