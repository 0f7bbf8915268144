import { once } from 'node:events'
import type { IncomingMessage } from 'node:http'
import { createGunzip } from 'node:zlib'
import { ClientAbortedError, invalidEvent, payloadTooLarge, unsupportedMediaType } from '../errors.ts'

const ENCODINGS = new Set(['identity', 'gzip', 'x-gzip'])

export interface BodyOptions {
  /** Most bytes the body may have after decompression. */
  readonly limit: number
}

function asAbort(error: unknown, incoming: IncomingMessage): unknown {
  const code = (error as NodeJS.ErrnoException | undefined)?.code
  return incoming.destroyed || code === 'ECONNRESET' || code === 'ERR_STREAM_PREMATURE_CLOSE'
    ? new ClientAbortedError({ cause: error })
    : error
}

/**
 * The request body as it arrives, decompressed, with bytes counted on the way: the
 * chunk that takes it over `limit` throws 413 and nothing more is read. Never destroys
 * the request on the way out, so the 413 still reaches the client (STACK-NOTES).
 */
export async function* readBody(incoming: IncomingMessage, { limit }: BodyOptions): AsyncGenerator<Buffer> {
  const encoding = (incoming.headers['content-encoding'] ?? 'identity').trim().toLowerCase()
  if (!ENCODINGS.has(encoding)) throw unsupportedMediaType(`content-encoding "${encoding}" is not supported`)
  const declared = Number(incoming.headers['content-length'])
  if (encoding === 'identity' && declared > limit) throw payloadTooLarge(limit)

  const source = incoming.iterator({ destroyOnReturn: false })
  let size = 0
  if (encoding === 'identity') {
    try {
      for await (const chunk of source as AsyncIterable<Buffer>) {
        size += chunk.length
        if (size > limit) throw payloadTooLarge(limit)
        yield chunk
      }
    } catch (error) {
      throw asAbort(error, incoming)
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
      for await (const chunk of source as AsyncIterable<Buffer>) {
        if (stop.signal.aborted) return
        if (!inflate.write(chunk)) await once(inflate, 'drain', { signal: stop.signal })
      }
      inflate.end()
    } catch (error) {
      if (stop.signal.aborted) return
      sourceError = asAbort(error, incoming)
      inflate.destroy(sourceError as Error)
    }
  })()
  try {
    for await (const chunk of inflate.iterator({ destroyOnReturn: true }) as AsyncIterable<Buffer>) {
      size += chunk.length
      if (size > limit) throw payloadTooLarge(limit)
      yield chunk
    }
  } catch (error) {
    if (sourceError) throw sourceError
    if ((error as NodeJS.ErrnoException).code?.startsWith('Z_')) throw invalidEvent(0, `body is not valid gzip: ${(error as Error).message}`)
    throw error
  } finally {
    stop.abort()
    inflate.destroy()
    await pump
  }
}
