import { createServer, type IncomingMessage, type RequestListener, type ServerOptions, type ServerResponse } from 'node:http'
import type { SluiceError } from '../errors.ts'
import type { MetricsCore } from '../metrics/core.ts'
import type { Pipeline } from '../pipeline/pipeline.ts'
import { INGEST_PATH, sendJson } from './errors.ts'

const isIngest = (req: IncomingMessage) =>
  req.method === 'POST' && (req.url === INGEST_PATH || (req.url !== undefined && req.url.startsWith(`${INGEST_PATH}?`)))

/**
 * Ingest at the door. Admission on CPU decides before anything else: before a `Request`
 * is built, a route matched or a byte of the body read, and the answer is serialised
 * once per controller window, so a refusal costs a header parse and one write. When even
 * that is too much (the controller refuses nearly everything), the refusal also says
 * `Connection: close`: the client must reconnect before it can send again, which slows
 * the flood at its source. A request let in goes to `ingest`, a plain Node listener;
 * every other request goes to `listener` (Hono).
 */
export function shedFirst(pipeline: Pipeline, metrics: Pick<MetricsCore, 'observeRequest'>, ingest: RequestListener): (listener: RequestListener) => RequestListener {
  let last: { error: SluiceError; body: Buffer } | undefined
  return (listener) =>
    function gate(req: IncomingMessage, res: ServerResponse): void {
      if (!isIngest(req)) return void listener(req, res)
      const started = performance.now()
      const error = pipeline.cpuRefusal()
      if (!error) return void ingest(req, res)
      pipeline.refused(error)
      if (last?.error !== error) last = { error, body: Buffer.from(JSON.stringify(error)) }
      const headers: Record<string, string | number> = { 'retry-after': pipeline.retryAfterSeconds() }
      if (pipeline.shedsConnections) headers.connection = 'close'
      sendJson(res, error.status, last.body, headers)
      metrics.observeRequest(performance.now() - started, 'refused')
    }
}

/** A `createServer` for @hono/node-server whose listener is gated by `gate`. */
export function gatedServer(gate: (listener: RequestListener) => RequestListener): typeof createServer {
  return ((options: ServerOptions, listener: RequestListener) => createServer(options, gate(listener))) as typeof createServer
}
