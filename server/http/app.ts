import type { HttpBindings } from '@hono/node-server'
import { Hono } from 'hono'
import type { Config } from '../config.ts'
import type { BurstManager } from '../load/manager.ts'
import type { Telemetry } from '../metrics/telemetry.ts'
import type { Pipeline } from '../pipeline/pipeline.ts'
import { bearerAuth } from './auth.ts'
import { burstsApi } from './bursts-api.ts'
import { mountDashboard } from './dashboard.ts'
import { errorHandler, INGEST_PATH } from './errors.ts'
import { ingestHandler } from './ingest.ts'
import { lessonsApi } from './lessons-api.ts'
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

  app.post(INGEST_PATH, bearerAuth(config.token), ingestHandler(config, pipeline, telemetry.metrics))

  app.get('/livez', (c) => c.json({ live: true }))
  app.get('/readyz', (c) => {
    const reason = pipeline.gauges().notReady
    return reason ? c.json({ ready: false, reason }, 503) : c.json({ ready: true })
  })

  if (bursts) app.route('/api', burstsApi(bursts, config.token))
  if (bursts) app.route('/api/lessons', lessonsApi(bursts, config.token))
  app.route('/', observabilityRoutes({ config, pipeline, telemetry }))

  // Last: the dashboard's static files and SPA fallback answer only what no route above did.
  mountDashboard(app)
  app.notFound((c) => c.json({ error: 'not_found' }, 404))
  app.onError(errorHandler(pipeline, log))
  return app
}
