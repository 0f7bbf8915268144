import type { HttpBindings } from '@hono/node-server'
import type { Context } from 'hono'
import type { Config } from '../config.ts'
import { ClientAbortedError, IngestError } from '../errors.ts'
import type { MetricsCore } from '../metrics/core.ts'
import { isSmallBody, readBody, readSmallBody } from '../pipeline/body.ts'
import { bodyFormat, parseBody, parseJson, parseNdjson } from '../pipeline/parse.ts'
import type { Pipeline } from '../pipeline/pipeline.ts'
import { closeAfterRefusal } from '../pipeline/unread-body.ts'

/** Seconds a refused client should wait: longer while the database is down. */
function retryAfter(pipeline: Pipeline): string {
  return pipeline.batcher.databaseDown ? '5' : '1'
}

/** Maps an ingest error to its designed status and JSON body, counting it. */
export function errorResponse(c: Context, error: IngestError, pipeline: Pipeline): Response {
  pipeline.stats.reject(error.reason)
  pipeline.stats.countStatus(error.status)
  if (error.status === 429 || error.status === 503) c.header('Retry-After', retryAfter(pipeline))
  return c.json({ error: error.code, ...error.body }, error.status)
}

/** POST /v1/events: admission, streamed body, parse, then queue (or write, for `direct`). */
export function ingestHandler(config: Config, pipeline: Pipeline, metrics: Pick<MetricsCore, 'observeRequest'>) {
  const limits = { maxEventBytes: config.maxEventBytes, maxEventDepth: config.maxEventDepth }
  return async function ingest(c: Context<{ Bindings: HttpBindings }>): Promise<Response> {
    const started = performance.now()
    const incoming = c.env.incoming
    let admission: { release(): void } | undefined
    try {
      const format = bodyFormat(c.req.header('content-type'))
      const maxBody = pipeline.knobs.maxBodyBytes
      const declared = Number(c.req.header('content-length'))
      const reserve = Number.isFinite(declared) && declared >= 0 && !c.req.header('content-encoding') ? Math.min(declared, maxBody) : maxBody
      admission = pipeline.admit(reserve)
      const reading = { limit: maxBody, timeoutMs: config.bodyTimeoutMs }
      let events
      if (isSmallBody(incoming, maxBody)) {
        events = parseBody(format, await readSmallBody(incoming, reading), limits)
      } else {
        const body = readBody(incoming, reading)
        events = format === 'ndjson' ? await parseNdjson(body, limits) : await parseJson(body, limits)
      }
      let bytes = 0
      for (const event of events) bytes += event.bytes
      const ack = c.req.query('wait')
      const wait = ack === 'commit' || (ack === undefined && pipeline.knobs.ack === 'commit')
      const { committed } = await pipeline.accept(events, bytes, wait)
      admission.release()
      const status = committed ? 200 : 202
      pipeline.stats.countStatus(status)
      return c.json(committed ? { accepted: events.length, committed: events.length } : { accepted: events.length }, status)
    } catch (error) {
      admission?.release()
      if (closeAfterRefusal(incoming)) c.header('Connection', 'close')
      if (error instanceof IngestError) return errorResponse(c, error, pipeline)
      if (error instanceof ClientAbortedError) {
        // Nobody is left to answer; count it and move on.
        pipeline.stats.reject('client_aborted')
        return c.body(null, 400)
      }
      throw error
    } finally {
      metrics.observeRequest(performance.now() - started)
    }
  }
}
