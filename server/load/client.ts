import { request, type ClientRequest } from 'node:http'
import type { RequestKind } from '../../shared/bursts.ts'
import type { RequestBody } from './bodies.ts'
import type { Cutter } from './cutter.ts'
import { acceptedIn, classify, type Outcome, type Target } from './outcome.ts'
import type { RawPool } from './raw-client.ts'

export interface SendOptions {
  /** Keep-alive connections for the requests that leave one reusable (`normal`, `malformed`). */
  readonly pool: RawPool
  readonly dripMs: number
  readonly timeoutMs: number
  readonly cutter: Cutter
}

const CHUNK_BYTES = 64 * 1024
// Ingest answers are a few dozen bytes; anything longer is not one of ours to count.
const MAX_ANSWER_CHARS = 1024
const DRIP_PIECES = 20

const pause = (ms: number, cutter: Cutter) =>
  new Promise<void>((resolve) => {
    if (cutter.cut) return resolve()
    const timer = setTimeout(done, ms)
    const leave = cutter.join(done)
    function done() {
      clearTimeout(timer)
      leave()
      resolve()
    }
  })

/** Writes `bytes` honouring backpressure, until done or `stop()` says the answer is in. */
async function writeChunked(req: ClientRequest, bytes: Buffer, stop: () => boolean): Promise<void> {
  for (let at = 0; at < bytes.length && !stop(); at += CHUNK_BYTES) {
    if (!req.write(bytes.subarray(at, at + CHUNK_BYTES))) {
      await new Promise<void>((resolve) => {
        const done = () => {
          req.off('drain', done)
          req.off('close', done)
          resolve()
        }
        req.on('drain', done)
        req.on('close', done)
      })
    }
  }
}

/**
 * Sends one ingest request of `kind` and resolves with what became of it; never rejects.
 * Normal and malformed requests go on the pool's keep-alive connections. Bad kinds get a
 * node:http connection of their own, since the server closes it after a 413 and a drip or
 * a hang-up should not sit on a pooled socket; they are few, and need its write callbacks.
 */
export function send(target: Target, kind: RequestKind, body: RequestBody, options: SendOptions): Promise<Outcome> {
  if (kind === 'normal' || kind === 'malformed') return options.pool.post(body, options.timeoutMs, options.cutter)
  return new Promise<Outcome>((resolve) => {
    let status: number | undefined
    let settled = false
    const req = request({
      host: target.host,
      port: target.port,
      path: target.path,
      method: 'POST',
      agent: false,
      headers: {
        'content-type': body.contentType,
        'content-length': body.bytes.length,
        ...(target.token ? { authorization: `Bearer ${target.token}` } : {}),
        // Not `close`, which an unpooled request would send: a server closing right after
        // a 413 with the body still unread resets the socket, and the 413 is often lost
        // (seen with @hono/node-server 2.1). We hang up ourselves once the answer is in.
        connection: 'keep-alive',
      },
    })
    const timer = setTimeout(() => finish({ error: 'timeout' }), options.timeoutMs)
    const leave = options.cutter.join(() => finish({ cancelled: true }))

    function finish(outcome: Outcome): void {
      if (settled) return
      settled = true
      clearTimeout(timer)
      leave()
      req.destroy()
      resolve(outcome)
    }

    req.on('response', (res) => {
      status = res.statusCode ?? 0
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        if (text.length < MAX_ANSWER_CHARS) text += chunk
      })
      res.on('end', () => finish({ status: status!, accepted: acceptedIn(status!, text) }))
      res.on('error', () => finish({ status: status! }))
    })
    // After an answer, a reset is the server closing a socket we were still writing to
    // (a 413 mid-body): the answer stands.
    req.on('error', (error) => finish(status === undefined ? { error: classify(error) } : { status }))
    if (options.cutter.cut) return finish({ cancelled: true })

    const answered = () => settled || status !== undefined
    switch (kind) {
      case 'oversized_1mb':
      case 'oversized_5mb':
      case 'oversized_20mb':
        void writeChunked(req, body.bytes, answered).then(() => answered() || req.end())
        return
      case 'slow_drip':
        void (async () => {
          const piece = Math.ceil(body.bytes.length / DRIP_PIECES)
          for (let at = 0; at < body.bytes.length && !answered(); at += piece) {
            if (at > 0) await pause(options.dripMs / DRIP_PIECES, options.cutter)
            if (!answered()) req.write(body.bytes.subarray(at, at + piece))
          }
          if (!answered()) req.end()
        })()
        return
      case 'disconnect':
        // Hang up once half the body has reached the kernel, so the server sees a request cut short.
        req.write(body.bytes.subarray(0, Math.floor(body.bytes.length / 2)), () => finish({ disconnected: true }))
        return
    }
  })
}
