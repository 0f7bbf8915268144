import type { Server } from 'node:http'
import type { Socket } from 'node:net'

/**
 * Closes a kept-alive connection at its idle timeout only if the client has not started
 * another request meanwhile. Node closes it from a timer (a second after the timeout it
 * announces in `Keep-Alive: timeout=`), and timers run before the event loop reads
 * sockets: after a long turn (the loop discarding big bodies, a GC) a request that
 * arrived during it was reset unread, and its client saw ECONNRESET instead of an answer
 * (seen in the e2e suite, the loop about 0.9 s behind while 20 MB bodies were refused).
 * Deciding on the next check phase, after the loop has read the socket, keeps it.
 * With a `timeout` listener Node leaves the decision here; only keep-alive arms the socket
 * timeout (the server's own `timeout` is 0; head and request limits use their own check).
 */
export function closeIdleAfterReading(server: Server): void {
  server.on('timeout', (socket: Socket) => {
    const read = socket.bytesRead
    setImmediate(() => {
      if (!socket.destroyed && socket.bytesRead === read) socket.destroy()
    })
  })
}
