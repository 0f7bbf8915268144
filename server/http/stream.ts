import type { HttpBindings } from '@hono/node-server'
import { RESPONSE_ALREADY_SENT } from '@hono/node-server/utils/response'
import type { Context } from 'hono'
import type { Config } from '../config.ts'
import { unavailable } from '../errors.ts'
import type { Telemetry } from '../metrics/telemetry.ts'
import type { Pipeline } from '../pipeline/pipeline.ts'
import { effectiveConfig } from './config-api.ts'
import { SSE_HEADERS } from '../metrics/sse-hub.ts'

// A stream slot frees when a dashboard closes: seconds, not the ingest's one.
const STREAM_RETRY_SECONDS = 5

function lastEventId(header: string | undefined): number | undefined {
  if (header === undefined || !/^\d{1,15}$/.test(header.trim())) return undefined
  return Number(header)
}

/**
 * GET /api/stream. The stream is written straight to the Node response, not through
 * Hono's streamSSE: the hub needs each write's backpressure and to destroy a stalled
 * socket, and one Buffer per event is written to every client.
 */
export function streamHandler(config: Config, pipeline: Pipeline, telemetry: Telemetry) {
  const { hub, annotations, knobChanges } = telemetry
  return function stream(c: Context<{ Bindings: HttpBindings }>): Response {
    // Hono runs GET handlers for HEAD: answer it here, or a stream starts that nobody reads.
    if (c.req.method === 'HEAD') return c.body(null, 200, SSE_HEADERS)
    if (hub.full) throw unavailable(`${hub.clients} stream clients connected (cap ${config.sseMaxClients})`, STREAM_RETRY_SECONDS)
    hub.attach(c.env.outgoing, lastEventId(c.req.header('last-event-id')), {
      config: effectiveConfig(config, pipeline.knobs),
      startedAt: telemetry.startedAt,
      annotations: annotations.recent(),
      knobChanges: knobChanges.recent(),
    })
    return RESPONSE_ALREADY_SENT
  }
}
