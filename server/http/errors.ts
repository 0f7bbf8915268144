import type { ServerResponse } from 'node:http'
import type { ErrorHandler } from 'hono'
import { RETRY_STATUSES } from '../../shared/errors.ts'
import { SluiceError } from '../errors.ts'
import type { Pipeline } from '../pipeline/pipeline.ts'

export const INGEST_PATH = '/v1/events'

/** A SluiceError as its designed answer: status, JSON body, and Retry-After on 429 and 503. */
export function errorAnswer(error: SluiceError, retryAfterSeconds: number): { status: number; body: string; headers: Record<string, string> } {
  const headers: Record<string, string> = { 'content-type': 'application/json' }
  if (RETRY_STATUSES.has(error.status)) headers['retry-after'] = String(error.retryAfterSeconds ?? retryAfterSeconds)
  return { status: error.status, body: JSON.stringify(error), headers }
}

/** Writes a JSON answer on a plain Node response (ingest and the shed-first gate, outside Hono). */
export function sendJson(res: ServerResponse, status: number, body: string | Buffer, headers: Record<string, string | number> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body), ...headers })
  res.end(body)
}

/** The same answer as a web Response, for the routes Hono serves. */
export function errorResponse(error: SluiceError, retryAfterSeconds: number): Response {
  const { status, body, headers } = errorAnswer(error, retryAfterSeconds)
  return new Response(body, { status, headers })
}

/**
 * The one error handler of every route. A SluiceError gets its designed answer; anything
 * else is logged and becomes 500 `internal`. Only ingest requests count in the ingest
 * figures: a refused control request is not a refused event.
 */
export function errorHandler(pipeline: Pipeline, log: (line: string) => void): ErrorHandler {
  return function onError(error, c) {
    let known: SluiceError
    if (error instanceof SluiceError) {
      known = error
    } else {
      log(`unhandled error on ${c.req.method} ${c.req.path}: ${(error as Error).stack ?? error}`)
      known = new SluiceError('internal')
    }
    if (c.req.path === INGEST_PATH) pipeline.refused(known)
    return errorResponse(known, pipeline.retryAfterSeconds())
  }
}
