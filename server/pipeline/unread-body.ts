import type { IncomingMessage } from 'node:http'
import type { Socket } from 'node:net'

/**
 * Most unread body a refused request may leave on a kept-alive connection: the server
 * reads and discards it, and the next request on the connection is answered. Past this,
 * or when the rest is of unknown length (chunked), the refusal closes the connection:
 * what the client sends next would be read as body. Go's net/http draws the same line
 * at 256 KiB.
 */
export const DRAIN_LIMIT_BYTES = 256 * 1024

/**
 * How long a closing connection keeps reading (and discarding) what the client still
 * sends after its refusal. Closing a socket with unread data makes the kernel answer
 * with a reset, and a client still uploading then often loses the reply it was sent:
 * measured here, fetch failed with "write EPIPE" and a bare socket read nothing in 4
 * of 12 tries. nginx's `lingering_close` does the same, for up to 30 s.
 */
export const LINGER_MS = 2_000

const lingering = new WeakSet<Socket>()

/** Whether a refused request's connection can serve another: its body was read, or what is left is declared and small. */
export function canKeepAlive(incoming: IncomingMessage): boolean {
  if (incoming.complete) return true
  const declared = Number(incoming.headers['content-length'])
  return declared >= 0 && declared <= DRAIN_LIMIT_BYTES
}

/**
 * Node ends a `Connection: close` reply with `socket.destroySoon()`: FIN, then destroy.
 * Here the destroy waits until the client closes its side or LINGER_MS pass, and the
 * rest of the body is read and dropped meanwhile, so the client sees the reply and then
 * the end of the connection at once, without a reset.
 */
function lingerOnClose(incoming: IncomingMessage): void {
  const socket = incoming.socket
  if (lingering.has(socket)) return
  lingering.add(socket)
  socket.destroySoon = function lingeringClose(this: Socket) {
    if (this.writable) this.end()
    const timer = setTimeout(() => this.destroy(), LINGER_MS)
    timer.unref()
    this.once('close', () => clearTimeout(timer))
    this.destroySoon = () => {}
    // Flowing with a listener that drops every chunk: nothing is kept. A body iterator
    // still attached holds the request paused until it returns, then this takes over.
    incoming.on('data', () => {})
    incoming.resume()
  }
}

/**
 * Settles a refused request's connection: true when it must close (the refusal then
 * says `Connection: close`), after a lingering close is arranged; false when the
 * server drains the rest of the body and keeps the connection.
 */
export function closeAfterRefusal(incoming: IncomingMessage): boolean {
  if (canKeepAlive(incoming)) return false
  lingerOnClose(incoming)
  return true
}
