import type { HttpBindings } from '@hono/node-server'
import type { Context } from 'hono'
import type { Config } from '../config.ts'
import { ClientAbortedError, SluiceError } from '../errors.ts'
import type { MetricsCore, RequestOutcome } from '../metrics/core.ts'
import { bufferWhole, isSmallBody, readBody, readSmallBody } from '../pipeline/body.ts'
import { BodyWatch, type WatchedBody } from '../pipeline/body-watch.ts'
import { bodyFormat, parseBody, parseJson, parseNdjson } from '../pipeline/parse.ts'
import type { Pipeline } from '../pipeline/pipeline.ts'
import { closeAfterRefusal } from '../pipeline/unread-body.ts'
import { errorResponse } from './errors.ts'

/** POST /v1/events: admission, streamed body, parse, then queue (or write, for `direct`). */
export function ingestHandler(config: Config, pipeline: Pipeline, metrics: Pick<MetricsCore, 'observeRequest'>) {
  const limits = { maxEventBytes: config.maxEventBytes, maxEventDepth: config.maxEventDepth }
  const watch = new BodyWatch({
    minRate: config.bodyMinRate,
    graceMs: config.bodyMinRateGraceMs,
    stallMs: config.bodyStallMs,
    maxStalledPerClient: config.maxStalledPerClient,
    caps: () => pipeline.knobs,
  })
  return async function ingest(c: Context<{ Bindings: HttpBindings }>): Promise<Response> {
    const started = performance.now()
    const incoming = c.env.incoming
    let admission: ReturnType<Pipeline['admit']> | undefined
    let watched: WatchedBody | undefined
    let outcome: RequestOutcome = 'refused'
    try {
      const format = bodyFormat(c.req.header('content-type'))
      const { maxBodyBytes: maxBody, bodyReading, maxInflightBytes } = pipeline.knobs
      const declared = Number(c.req.header('content-length'))
      const known = Number.isFinite(declared) && declared >= 0 && !c.req.header('content-encoding')
      admission = pipeline.admit(known ? Math.min(declared, maxBody) : maxBody)
      const held = admission
      // Level 0's way (bodyReading buffer) holds the whole declared body, over the limit or
      // not: it is counted in flight up front, so the inflight-bytes cap bounds the memory
      // it can take. Streaming counts bytes as they arrive.
      const holdsDeclared = bodyReading === 'buffer' && known
      if (holdsDeclared) held.grow(declared)
      watched = watch.watch(incoming.socket?.remoteAddress ?? '')
      const reading = { limit: maxBody, timeoutMs: config.bodyTimeoutMs, refusal: watched.refusal, received: watched.arrived, kept: holdsDeclared ? undefined : held.grow }
      let events
      if (isSmallBody(incoming, maxBody)) {
        events = parseBody(format, await readSmallBody(incoming, reading), limits)
      } else {
        const whole = bodyReading === 'buffer' ? await bufferWhole(incoming, { ...reading, hardCap: maxInflightBytes }) : undefined
        const body = readBody(incoming, reading, whole)
        events = format === 'ndjson' ? await parseNdjson(body, limits) : await parseJson(body, limits)
      }
      watched.end()
      let bytes = 0
      for (const event of events) bytes += event.bytes
      const ack = c.req.query('wait')
      const wait = ack === 'commit' || (ack === undefined && pipeline.knobs.ack === 'commit')
      const { committed } = await pipeline.accept(events, bytes, wait)
      admission.release()
      const status = committed ? 200 : 202
      pipeline.answered(status)
      outcome = 'accepted'
      return c.json(committed ? { accepted: events.length, committed: events.length } : { accepted: events.length }, status)
    } catch (error) {
      watched?.end()
      admission?.release()
      if (error instanceof SluiceError) {
        pipeline.refused(error)
        const response = errorResponse(error, pipeline.retryAfterSeconds())
        if (closeAfterRefusal(incoming)) response.headers.set('connection', 'close')
        return response
      }
      if (error instanceof ClientAbortedError) {
        // Nobody is left to answer; count it and move on.
        pipeline.refused('client_aborted')
        return c.body(null, 400)
      }
      throw error
    } finally {
      metrics.observeRequest(performance.now() - started, outcome)
    }
  }
}
