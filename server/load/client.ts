import { request, type Agent, type ClientRequest } from 'node:http'
import type { BurstErrorKind, RequestKind } from '../../shared/bursts.ts'
import type { RequestBody } from './bodies.ts'

export interface Target {
  readonly host: string
  readonly port: number
  /** Path and query of the ingest route. */
  readonly path: string
  readonly token: string | undefined
}

export type Outcome =
  /** `accepted` is the server's own count from a 2xx body. */
  | { readonly status: number; readonly accepted?: number }
  | { readonly error: BurstErrorKind }
  /** We hung up mid-body on purpose. */
  | { readonly disconnected: true }
  /** Stopped from outside before an answer came. */
  | { readonly cancelled: true }

/**
 * Cuts every request in flight at once. A Set, not an AbortSignal: with thousands of
 * requests in flight, EventTarget's add/removeEventListener took 10% of the generator's
 * CPU (measured); joining and leaving a Set is O(1).
 */
export class Cutter {
  readonly #hooks = new Set<() => void>()
  cut = false

  /** Calls `hook` on cutAll() (check `cut` first: a late joiner is not called); returns the removal. */
  join(hook: () => void): () => void {
    this.#hooks.add(hook)
    return () => this.#hooks.delete(hook)
  }

  cutAll(): void {
    this.cut = true
    for (const hook of [...this.#hooks]) hook()
    this.#hooks.clear()
  }
}

export interface SendOptions {
  /** Keep-alive pool for requests that leave the connection reusable. */
  readonly agent: Agent
  readonly dripMs: number
  readonly timeoutMs: number
  readonly cutter: Cutter
}

const CHUNK_BYTES = 64 * 1024
// Ingest answers are a few dozen bytes; anything longer is not one of ours to count.
const MAX_ANSWER_CHARS = 1024
const DRIP_PIECES = 20

function classify(error: NodeJS.ErrnoException): BurstErrorKind {
  switch (error.code) {
    case 'ECONNREFUSED':
    case 'EADDRNOTAVAIL':
    case 'EADDRINUSE':
      return 'connect'
    case 'ECONNRESET':
    case 'EPIPE':
      return 'reset'
    default:
      return 'other'
  }
}

function acceptedIn(status: number, text: string): number | undefined {
  if (status < 200 || status >= 300) return undefined
  try {
    const accepted = (JSON.parse(text) as { accepted?: unknown }).accepted
    return typeof accepted === 'number' ? accepted : undefined
  } catch {
    return undefined
  }
}

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
 * Bad kinds get a connection of their own, since the server closes it after a 413 and
 * a drip or a hang-up should not sit on a pooled socket.
 */
export function send(target: Target, kind: RequestKind, body: RequestBody, options: SendOptions): Promise<Outcome> {
  return new Promise<Outcome>((resolve) => {
    let status: number | undefined
    let settled = false
    const pooled = kind === 'normal' || kind === 'malformed'
    const req = request({
      host: target.host,
      port: target.port,
      path: target.path,
      method: 'POST',
      agent: pooled ? options.agent : false,
      headers: {
        'content-type': body.contentType,
        'content-length': body.bytes.length,
        ...(target.token ? { authorization: `Bearer ${target.token}` } : {}),
        // Not `close`, which an unpooled request would send: a server closing right after
        // a 413 with the body still unread resets the socket, and the 413 is often lost
        // (docs/stack-notes.md, "Hono on Node"). We hang up ourselves once the answer is in.
        ...(pooled ? {} : { connection: 'keep-alive' }),
      },
    })
    const timer = setTimeout(() => finish({ error: 'timeout' }, true), options.timeoutMs)
    const leave = options.cutter.join(() => finish({ cancelled: true }, true))

    function finish(outcome: Outcome, destroy: boolean): void {
      if (settled) return
      settled = true
      clearTimeout(timer)
      leave()
      if (destroy) req.destroy()
      resolve(outcome)
    }

    req.on('response', (res) => {
      status = res.statusCode ?? 0
      let text = ''
      res.setEncoding('utf8')
      res.on('data', (chunk: string) => {
        if (text.length < MAX_ANSWER_CHARS) text += chunk
      })
      res.on('end', () => finish({ status: status!, accepted: acceptedIn(status!, text) }, !pooled))
      res.on('error', () => finish({ status: status! }, true))
    })
    // After an answer, a reset is the server closing a socket we were still writing to
    // (a 413 mid-body): the answer stands.
    req.on('error', (error) => finish(status === undefined ? { error: classify(error) } : { status }, true))
    if (options.cutter.cut) return finish({ cancelled: true }, true)

    const answered = () => settled || status !== undefined
    switch (kind) {
      case 'normal':
      case 'malformed':
        req.end(body.bytes)
        return
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
        req.write(body.bytes.subarray(0, Math.floor(body.bytes.length / 2)), () => finish({ disconnected: true }, true))
        return
    }
  })
}
