import type { HttpBindings } from '@hono/node-server'
import { Hono } from 'hono'
import type { Config } from '../config.ts'
import { IngestError, unauthorized } from '../errors.ts'
import type { BurstManager } from '../load/manager.ts'
import type { Telemetry } from '../metrics/telemetry.ts'
import type { Pipeline } from '../pipeline/pipeline.ts'
import { ApiError } from './api-error.ts'
import { bearerAuth } from './auth.ts'
import { burstsApi } from './bursts-api.ts'
import { mountDashboard } from './dashboard.ts'
import { errorResponse, ingestHandler } from './ingest.ts'
import { observabilityRoutes } from './observability.ts'

export interface AppOptions {
  readonly config: Config
  readonly pipeline: Pipeline
  readonly log: (line: string) => void
  /** Metrics, the live stream and /metrics. */
  readonly telemetry: Telemetry
  /** Load bursts; without it the /api/presets and /api/bursts routes are absent. */
  readonly bursts?: BurstManager
}

export function createApp({ config, pipeline, log, bursts, telemetry }: AppOptions) {
  const app = new Hono<{ Bindings: HttpBindings }>()

  app.post('/v1/events', bearerAuth(config.token, unauthorized), ingestHandler(config, pipeline, telemetry.metrics))

  app.get('/livez', (c) => c.json({ live: true }))
  app.get('/readyz', (c) => {
    const reason = pipeline.notReadyBecause()
    return reason ? c.json({ ready: false, reason }, 503) : c.json({ ready: true })
  })

  if (bursts) app.route('/api', burstsApi(bursts, config.token))
  app.route('/', observabilityRoutes({ config, pipeline, telemetry, log }))

  // Last: the dashboard's static files and SPA fallback answer only what no route above did.
  mountDashboard(app)
  app.notFound((c) => c.json({ error: 'not_found' }, 404))
  app.onError((error, c) => {
    if (error instanceof IngestError) return errorResponse(c, error, pipeline)
    if (error instanceof ApiError) return c.json({ error: error.code, ...error.body }, error.status)
    log(`unhandled error on ${c.req.method} ${c.req.path}: ${(error as Error).stack ?? error}`)
    // Only ingest requests count in the ingest figures; a control route's 500 is logged.
    if (c.req.path.startsWith('/v1/')) pipeline.stats.countStatus(500)
    return c.json({ error: 'internal' }, 500)
  })
  return app
}
