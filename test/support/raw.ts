import { connect, type Socket } from 'node:net'

export interface RawResponse {
  status: number
  headers: Record<string, string>
  body: string
}

/** An HTTP/1.1 client on a bare socket, for what fetch cannot do: send headers alone, drip, hang up. */
export class RawClient {
  readonly socket: Socket
  #buffer = ''
  #waiters: Array<() => void> = []
  closed = false

  private constructor(socket: Socket) {
    this.socket = socket
    socket.setEncoding('latin1')
    socket.on('data', (chunk: string) => {
      this.#buffer += chunk
      this.#notify()
    })
    socket.on('close', () => {
      this.closed = true
      this.#notify()
    })
    socket.on('error', () => {})
  }

  static async open(url: string): Promise<RawClient> {
    const { hostname, port } = new URL(url)
    const socket = connect({ host: hostname, port: Number(port) })
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve)
      socket.once('error', reject)
    })
    return new RawClient(socket)
  }

  #notify(): void {
    for (const waiter of this.#waiters.splice(0)) waiter()
  }

  /** Writes a request head; `headers` are added to Host. */
  head(method: string, path: string, headers: Record<string, string | number>): void {
    const lines = [`${method} ${path} HTTP/1.1`, 'Host: 127.0.0.1', ...Object.entries(headers).map(([k, v]) => `${k}: ${v}`)]
    this.socket.write(`${lines.join('\r\n')}\r\n\r\n`)
  }

  write(data: string | Buffer): Promise<void> {
    return new Promise((resolve, reject) => this.socket.write(data, (error) => (error ? reject(error) : resolve())))
  }

  /** Writes one chunk of a `transfer-encoding: chunked` body; an empty one ends the body. */
  chunk(data: string | Buffer): Promise<void> {
    // Corked rather than concatenated: one segment on the wire, and no copy of a large chunk.
    this.socket.cork()
    this.socket.write(`${Buffer.byteLength(data).toString(16)}\r\n`)
    this.socket.write(data)
    const written = this.write('\r\n')
    this.socket.uncork()
    return written
  }

  /** Resolves with the next complete response (Content-Length or close-delimited), or rejects after `timeoutMs`. */
  async response(timeoutMs = 10_000): Promise<RawResponse> {
    const deadline = performance.now() + timeoutMs
    for (;;) {
      const parsed = this.#parse()
      if (parsed) return parsed
      if (this.closed) throw new Error(`connection closed without a complete response: ${JSON.stringify(this.#buffer.slice(0, 200))}`)
      const left = deadline - performance.now()
      if (left <= 0) throw new Error(`no response within ${timeoutMs} ms`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.#waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  #parse(): RawResponse | undefined {
    const end = this.#buffer.indexOf('\r\n\r\n')
    if (end === -1) return undefined
    const [statusLine = '', ...headerLines] = this.#buffer.slice(0, end).split('\r\n')
    const headers: Record<string, string> = {}
    for (const line of headerLines) {
      const colon = line.indexOf(':')
      headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim()
    }
    const length = Number(headers['content-length'] ?? Number.NaN)
    const bodyStart = end + 4
    if (Number.isFinite(length)) {
      if (this.#buffer.length - bodyStart < length) return undefined
      const body = this.#buffer.slice(bodyStart, bodyStart + length)
      this.#buffer = this.#buffer.slice(bodyStart + length)
      return { status: Number(statusLine.split(' ')[1]), headers, body }
    }
    if (!this.closed) return undefined
    const body = this.#buffer.slice(bodyStart)
    this.#buffer = ''
    return { status: Number(statusLine.split(' ')[1]), headers, body }
  }

  close(): void {
    this.socket.destroy()
  }
}
