import { createServer, connect, type Server, type Socket } from 'node:net'

/**
 * A TCP pass-through on a loopback port, so a spec can cut the page's connections to the
 * server (and refuse new ones) and then let them through again, without touching the server.
 */
export class CuttableProxy {
  readonly #sockets = new Set<Socket>()
  #server: Server | undefined
  port = 0

  constructor(private readonly targetPort: number) {}

  async start(port = 0): Promise<string> {
    const server = createServer((client) => {
      const upstream = connect(this.targetPort, '127.0.0.1')
      for (const socket of [client, upstream]) {
        this.#sockets.add(socket)
        socket.on('close', () => this.#sockets.delete(socket))
        socket.on('error', () => socket.destroy())
      }
      client.pipe(upstream).pipe(client)
      client.on('close', () => upstream.destroy())
      upstream.on('close', () => client.destroy())
    })
    this.#server = server
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(port, '127.0.0.1', () => resolve())
    })
    this.port = (server.address() as { port: number }).port
    return `http://127.0.0.1:${this.port}`
  }

  /** Drops every open connection and stops listening: the page sees the server vanish. */
  async cut(): Promise<void> {
    const server = this.#server
    this.#server = undefined
    for (const socket of this.#sockets) socket.destroy()
    if (server) await new Promise<void>((resolve) => server.close(() => resolve()))
  }

  /** Listens again on the same port. */
  async restore(): Promise<void> {
    await this.start(this.port)
  }

  async close(): Promise<void> {
    await this.cut()
  }
}
