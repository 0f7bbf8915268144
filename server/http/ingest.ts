import type { IncomingMessage, ServerResponse } from 'node:http'
import type { Config } from '../config.ts'
import { ClientAbortedError, SluiceError, unauthorized } from '../errors.ts'
import type { MetricsCore, RequestOutcome } from '../metrics/core.ts'
import { bufferWhole, isSmallBody, readBody, readSmallBody } from '../pipeline/body.ts'
import { BodyWatch, type WatchedBody } from '../pipeline/body-watch.ts'
import { bodyFormat, parseBody, parseJson, parseNdjson } from '../pipeline/parse.ts'
import type { Pipeline } from '../pipeline/pipeline.ts'
import { closeAfterRefusal } from '../pipeline/unread-body.ts'
import { errorAnswer, INGEST_PATH, sendJson } from './errors.ts'
import { requireHost } from './host-check.ts'
import { bearerOf, type Sessions } from './session.ts'

export interface IngestOptions {
  readonly config: Config
  readonly pipeline: Pipeline
  readonly metrics: Pick<MetricsCore, 'observeRequest'>
  /** Host names this server answers to (server/http/host-check.ts); `*` among them: any. */
  readonly allowedHosts: ReadonlySet<string>
  /** With a token set: the bearer token is required. */
  readonly sessions: Sessions | undefined
  readonly log: (line: string) => void
}

/** The request's `?wait=` value, decoded; undefined when absent. */
function waitParameter(url: string | undefined): string | undefined {
  const query = url?.indexOf('?') ?? -1
  if (query === -1) return undefined
  return new URLSearchParams(url!.slice(query + 1)).get('wait') ?? undefined
}

/**
 * POST /v1/events, as a plain Node listener: the host and token checks, admission,
 * streamed body, parse, then queue (or write, for `direct`). It is the one route every
 * event takes, so it does not go through Hono: building a `Request`, routing it through
 * the middleware chain and turning a `Response` back into a Node answer were 6–8 % of
 * the server's CPU on single-event requests (docs/overload.md). The checks are
 * the same ones Hono's middleware makes for every other route.
 */
export function ingestListener({ config, pipeline, metrics, allowedHosts, sessions, log }: IngestOptions): (req: IncomingMessage, res: ServerResponse) => void {
  const limits = { maxEventBytes: config.maxEventBytes, maxEventDepth: config.maxEventDepth }
  const watch = new BodyWatch({
    minRate: config.bodyMinRate,
    graceMs: config.bodyMinRateGraceMs,
    stallMs: config.bodyStallMs,
    maxStalledPerClient: config.maxStalledPerClient,
    caps: () => pipeline.knobs,
  })
  let passedHost: string | undefined
  /** Throws forbidden or unauthorized, as the middleware of the other routes does. */
  function checkCaller(req: IncomingMessage): void {
    // Clients send the same Host header request after request: checked once.
    const host = req.headers.host
    if (host === undefined || host !== passedHost) {
      requireHost(allowedHosts, host)
      passedHost = host
    }
    if (sessions && !sessions.isToken(bearerOf(req.headers.authorization))) throw unauthorized()
  }

  async function ingest(incoming: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now()
    let admission: ReturnType<Pipeline['admit']> | undefined
    let watched: WatchedBody | undefined
    let outcome: RequestOutcome = 'refused'
    try {
      checkCaller(incoming)
      const headers = incoming.headers
      const format = bodyFormat(headers['content-type'])
      const { maxBodyBytes: maxBody, bodyReading, maxInflightBytes } = pipeline.knobs
      const declared = Number(headers['content-length'])
      const known = Number.isFinite(declared) && declared >= 0 && !headers['content-encoding']
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
      const ack = waitParameter(incoming.url)
      const wait = ack === 'commit' || (ack === undefined && pipeline.knobs.ack === 'commit')
      const { committed } = await pipeline.accept(events, bytes, wait)
      admission.release()
      const status = committed ? 200 : 202
      pipeline.answered(status)
      outcome = 'accepted'
      sendJson(res, status, committed ? `{"accepted":${events.length},"committed":${events.length}}` : `{"accepted":${events.length}}`)
    } catch (error) {
      watched?.end()
      admission?.release()
      if (error instanceof ClientAbortedError) {
        // Nobody is left to answer; count it and move on.
        pipeline.refused('client_aborted')
        res.writeHead(400, { 'content-length': 0 })
        res.end()
        return
      }
      let known: SluiceError
      if (error instanceof SluiceError) {
        known = error
      } else {
        log(`unhandled error on POST ${INGEST_PATH}: ${(error as Error).stack ?? error}`)
        known = new SluiceError('internal')
      }
      pipeline.refused(known)
      const answer = errorAnswer(known, pipeline.retryAfterSeconds())
      if (closeAfterRefusal(incoming)) answer.headers.connection = 'close'
      sendJson(res, answer.status, answer.body, answer.headers)
    } finally {
      metrics.observeRequest(performance.now() - started, outcome)
    }
  }

  // Every error is answered inside; one thrown while answering must not take the process down.
  return (req, res) =>
    void ingest(req, res).catch((error: unknown) => {
      log(`failed to answer POST ${INGEST_PATH}: ${(error as Error).stack ?? error}`)
      res.destroy()
    })
}
