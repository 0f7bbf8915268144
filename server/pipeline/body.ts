import { once } from 'node:events'
import type { IncomingMessage } from 'node:http'
import { createGunzip } from 'node:zlib'
import { ClientAbortedError, invalidEvent, payloadTooLarge, requestTimeout, unsupportedMediaType } from '../errors.ts'

const ENCODINGS = new Set(['identity', 'gzip', 'x-gzip'])

/**
 * A body refused from outside (too slow, stalled over its share), at most once, with one
 * listener at a time. Not an AbortSignal: creating an AbortController and adding and
 * removing its listener for every request took 6.6 % of the server's busy time on
 * single-event requests (CPU profile, 50 connections); this is a field and a call.
 */
export class BodyRefusal {
  reason: Error | undefined
  #listener: ((reason: Error) => void) | undefined

  /** Calls `listener` once the body is refused (at once if it already was); returns its removal. */
  listen(listener: (reason: Error) => void): () => void {
    if (this.reason) {
      listener(this.reason)
      return () => {}
    }
    this.#listener = listener
    return () => {
      if (this.#listener === listener) this.#listener = undefined
    }
  }

  refuse(reason: Error): void {
    if (this.reason) return
    this.reason = reason
    const listener = this.#listener
    this.#listener = undefined
    listener?.(reason)
  }
}

export interface BodyOptions {
  /** Most bytes the body may have after decompression. */
  readonly limit: number
  /** Longest the whole body may take to arrive. */
  readonly timeoutMs: number
  /** Refused (with its reason as the error) from outside: too slow, stalled. */
  readonly refusal?: BodyRefusal
  /** Bytes as they come off the wire, before any decompression (may throw to refuse). */
  readonly received?: (bytes: number) => void
  /** Bytes of the body as it will be kept, after decompression (may throw to refuse). */
  readonly kept?: (bytes: number) => void
}

function asAbort(error: unknown, incoming: IncomingMessage): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return incoming.destroyed || code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE'
    ? new ClientAbortedError({ cause: error })
    : error
}

/**
 * A body counts as received only while its connection is open. When bytes that are not
 * a request follow a body on the same connection, Node answers them with 400, closes the
 * socket, and only then delivers the body's end: taking the body would store events
 * whose only answer was that 400.
 */
const connectionLost = (incoming: IncomingMessage) => incoming.socket?.destroyed === true

/**
 * The request's raw chunks, failing with 408 when the body takes longer than
 * `timeoutMs` in all, or with the refusal's reason when it is refused from outside (too
 * slow, stalled over its share).
 * The request is not destroyed, so the 408 still reaches the client.
 */
async function* chunksWithin(incoming: IncomingMessage, { timeoutMs, refusal, received }: BodyOptions): AsyncGenerator<Buffer> {
  const iterator = incoming.iterator({ destroyOnReturn: false })[Symbol.asyncIterator]()
  let timer: NodeJS.Timeout | undefined
  let unlisten: (() => void) | undefined
  const expired = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(requestTimeout(timeoutMs)), timeoutMs)
    unlisten = refusal?.listen(reject)
  })
  expired.catch(() => {})
  try {
    for (;;) {
      const next = iterator.next()
      next.catch(() => {}) // still pending when the deadline wins; settles when the socket goes
      const result = await Promise.race([next, expired])
      if (result.done) {
        if (connectionLost(incoming)) throw new ClientAbortedError()
        return
      }
      received?.((result.value as Buffer).length)
      yield result.value as Buffer
    }
  } catch (error) {
    throw asAbort(error, incoming)
  } finally {
    clearTimeout(timer)
    unlisten?.()
    // Unhooks the stream's 'readable' listener. Left attached, it keeps the request in
    // paused mode: the server's drain of the unread rest (`resume()`) then reads nothing,
    // and a kept-alive connection hangs until the drain gives up and closes it. A `next()`
    // still pending (the deadline won) delays this until the client sends or goes.
    iterator.return?.().catch(() => {})
  }
}

/**
 * Level 0's way, kept to be watched (live knob `bodyReading: buffer`): every chunk of the
 * body is read and joined into one Buffer before anything looks at it, as
 * `express.json()` did with `Buffer.concat` then `JSON.parse`. The size limit is checked
 * afterwards, by `readBody` over the buffered result, so a refused 20 MB body has been
 * held whole first. The only check made while reading is `hardCap` (the inflight-bytes
 * cap): a body that could never fit it is refused with 413 when it crosses it, so one
 * chunked upload cannot take all memory. Same 408 and client-abort paths as streaming.
 */
export async function bufferWhole(incoming: IncomingMessage, options: BodyOptions & { hardCap: number }): Promise<AsyncIterable<Buffer>> {
  const { hardCap } = options
  const parts: Buffer[] = []
  let size = 0
  for await (const chunk of chunksWithin(incoming, options)) {
    size += chunk.length
    if (size > hardCap) throw payloadTooLarge(hardCap)
    parts.push(chunk)
  }
  const whole = Buffer.concat(parts, size)
  parts.length = 0
  return (async function* () {
    yield whole
  })()
}

/** Bodies up to this size with a declared length are read whole, without async iteration. */
export const SMALL_BODY_BYTES = 64 * 1024

/** Whether `readSmallBody` applies: identity encoding and a declared length within limits. */
export function isSmallBody(incoming: IncomingMessage, limit: number): boolean {
  const declared = Number(incoming.headers['content-length'])
  const encoding = incoming.headers['content-encoding']
  return (encoding === undefined || encoding === 'identity') && declared >= 0 && declared <= Math.min(limit, SMALL_BODY_BYTES)
}

/**
 * Reads a small body of declared length whole: most ingest requests (one event, or a
 * short batch) arrive in one chunk, and this costs a third of the async-iterator path.
 * The same guarantees: 408 after `timeoutMs`, ClientAbortedError when the client goes,
 * and the request is never destroyed here.
 */
export function readSmallBody(incoming: IncomingMessage, { limit, timeoutMs, refusal, received, kept }: BodyOptions): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = []
    let size = 0
    let unlisten: (() => void) | undefined
    const cleanup = () => {
      clearTimeout(timer)
      incoming.off('data', onData)
      incoming.off('end', onEnd)
      incoming.off('error', onError)
      incoming.off('close', onClose)
      unlisten?.()
    }
    const fail = (error: unknown) => {
      cleanup()
      reject(error)
    }
    const onData = (chunk: Buffer) => {
      size += chunk.length
      // A client may send more than it declared; the parser would not see it, but the limit holds.
      if (size > limit) return fail(payloadTooLarge(limit))
      try {
        received?.(chunk.length)
        kept?.(chunk.length)
      } catch (error) {
        return fail(error)
      }
      parts.push(chunk)
    }
    const onEnd = () => {
      if (connectionLost(incoming)) return fail(new ClientAbortedError())
      cleanup()
      resolve(parts.length === 1 ? parts[0]! : Buffer.concat(parts, size))
    }
    const onError = (error: unknown) => fail(asAbort(error, incoming))
    const onClose = () => {
      if (!incoming.complete) fail(new ClientAbortedError())
    }
    const timer = setTimeout(() => fail(requestTimeout(timeoutMs)), timeoutMs)
    if (incoming.destroyed) return fail(new ClientAbortedError())
    if (refusal?.reason) return fail(refusal.reason)
    unlisten = refusal?.listen(fail)
    incoming.on('data', onData)
    incoming.on('end', onEnd)
    incoming.on('error', onError)
    incoming.on('close', onClose)
  })
}

/**
 * The request body as it arrives, decompressed, with bytes counted on the way: the
 * chunk that takes it over `limit` throws 413 and nothing more is read. Never destroys
 * the request on the way out, so the 413 still reaches the client (docs/stack-notes.md).
 */
export async function* readBody(
  incoming: IncomingMessage,
  options: BodyOptions,
  source: AsyncIterable<Buffer> = chunksWithin(incoming, options),
): AsyncGenerator<Buffer> {
  const { limit, kept } = options
  const encoding = (incoming.headers['content-encoding'] ?? 'identity').trim().toLowerCase()
  if (!ENCODINGS.has(encoding)) throw unsupportedMediaType(`content-encoding "${encoding}" is not supported`)
  const declared = Number(incoming.headers['content-length'])
  if (encoding === 'identity' && declared > limit) throw payloadTooLarge(limit)

  let size = 0
  if (encoding === 'identity') {
    for await (const chunk of source) {
      size += chunk.length
      if (size > limit) throw payloadTooLarge(limit)
      kept?.(chunk.length)
      yield chunk
    }
    return
  }

  // Limits apply to what gzip inflates to, chunk by chunk: a zip bomb is refused after
  // `limit` bytes of output, never inflated whole.
  const inflate = createGunzip()
  const stop = new AbortController()
  let sourceError: unknown
  const pump = (async () => {
    try {
      for await (const chunk of source) {
        if (stop.signal.aborted) return
        if (!inflate.write(chunk)) await once(inflate, 'drain', { signal: stop.signal })
      }
      inflate.end()
    } catch (error) {
      if (stop.signal.aborted) return
      sourceError = error
      inflate.destroy(error as Error)
    }
  })()
  try {
    for await (const chunk of inflate.iterator({ destroyOnReturn: true }) as AsyncIterable<Buffer>) {
      size += chunk.length
      if (size > limit) throw payloadTooLarge(limit)
      kept?.(chunk.length)
      yield chunk
    }
  } catch (error) {
    if (sourceError) throw sourceError
    if ((error as NodeJS.ErrnoException).code?.startsWith('Z_')) throw invalidEvent(0, `body is not valid gzip: ${(error as Error).message}`)
    throw error
  } finally {
    // The pump may be waiting on the client for its next chunk: it ends by itself when
    // that arrives or the socket closes, and must not hold up the answer.
    stop.abort()
    inflate.destroy()
    void pump
  }
}
