import type { HttpBindings } from '@hono/node-server'
import { Hono } from 'hono'
import type { Config } from '../config.ts'
import type { Sql } from '../db/client.ts'
import type { Fleet } from '../fleet/fleet.ts'
import type { BurstManager } from '../load/manager.ts'
import type { Telemetry } from '../metrics/telemetry.ts'
import type { Pipeline } from '../pipeline/pipeline.ts'
import { tokenOrSession } from './auth.ts'
import { burstsApi } from './bursts-api.ts'
import { isServerPath, mountDashboard } from './dashboard.ts'
import { errorHandler, INGEST_PATH } from './errors.ts'
import { eventsCountHandler } from './events-count.ts'
import { allowedHostNames, hostCheck } from './host-check.ts'
import { lessonsApi } from './lessons-api.ts'
import { observabilityRoutes } from './observability.ts'
import type { Sessions } from './session.ts'
import { SESSION_PATH, sessionApi } from './session-api.ts'

/** Which instance answered: its id (server/fleet/instance-id.ts), by default host:port/pid. */
export const INSTANCE_HEADER = 'X-Sluice-Instance'

// Open with a token set: liveness says nothing but "live", and the session route is how credentials are had.
const OPEN_PATHS = new Set(['/livez', SESSION_PATH])

export interface AppOptions {
  readonly config: Config
  readonly pipeline: Pipeline
  readonly log: (line: string) => void
  /** Metrics, the live stream and /metrics. */
  readonly telemetry: Telemetry
  /** Load bursts; without it the /api/presets and /api/bursts routes are absent. */
  readonly bursts?: BurstManager
  /** For GET /api/events/count; without it the route is absent. */
  readonly sql?: Sql
  /** The fleet: annotations go to every instance through it; without it they stay on this one. */
  readonly fleet?: Pick<Fleet, 'annotate'>
  /** This instance's id, sent as X-Sluice-Instance on every answer (which worker or machine answered). */
  readonly instance?: () => string
  /** With a token set: what checks the token and signs dashboard sessions. */
  readonly sessions: Sessions | undefined
}

/**
 * Every route but ingest: POST /v1/events is answered before Hono, by the server's
 * request listener (server/http/shed.ts, server/http/ingest.ts), with the same host and
 * token checks.
 */
export function createApp({ config, pipeline, log, bursts, telemetry, sql, fleet, instance, sessions }: AppOptions) {
  const app = new Hono<{ Bindings: HttpBindings }>()

  if (instance) {
    // Not on ingest answers: a header set here costs each answer a Headers object, and
    // the ingest path is the one every event takes.
    app.use('*', async (c, next) => {
      if (c.req.path !== INGEST_PATH) c.header(INSTANCE_HEADER, instance())
      await next()
    })
  }
  // First, for every route: a request for another name (DNS rebinding) gets nothing else.
  app.use('*', hostCheck(allowedHostNames(config.host, config.allowedHosts)))
  // Every server path takes the token or a dashboard session (ingest, outside Hono, the token alone).
  app.use('*', tokenOrSession(sessions, (path) => path !== INGEST_PATH && isServerPath(path) && !OPEN_PATHS.has(path)))

  app.route(SESSION_PATH, sessionApi(sessions))

  app.get('/livez', (c) => c.json({ live: true }))
  app.get('/readyz', (c) => {
    const reason = pipeline.gauges().notReady
    return reason ? c.json({ ready: false, reason }, 503) : c.json({ ready: true })
  })

  if (bursts) app.route('/api', burstsApi(bursts))
  if (bursts) app.route('/api/lessons', lessonsApi(bursts))
  if (sql) app.get('/api/events/count', eventsCountHandler(sql))
  app.route('/', observabilityRoutes({ config, pipeline, telemetry, annotate: fleet?.annotate }))

  // Last: the dashboard's static files and SPA fallback answer only what no route above did.
  mountDashboard(app)
  app.notFound((c) => c.json({ error: 'not_found' }, 404))
  app.onError(errorHandler(pipeline, log))
  return app
}
