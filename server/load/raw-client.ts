import { connect, type Socket } from 'node:net'
import type { BurstErrorKind } from '../../shared/bursts.ts'
import type { RequestBody } from './bodies.ts'
import type { Cutter } from './cutter.ts'
import { AnswerParser, type Answer } from './http-answer.ts'
import { acceptedIn, classify, type Outcome, type Target } from './outcome.ts'

/**
 * The generator's keep-alive HTTP/1.1 client for ordinary requests: at most `maxConnections`
 * sockets, one request in flight on each (no pipelining), each request's bytes built once
 * per body and written as one buffer, the answer read by AnswerParser.
 *
 * Why not node:http: request() with a keep-alive Agent cost ~170 µs of CPU per request here
 * (2 cores, loopback, 50 connections, small JSON), so the generator ran out of its core at
 * ~4,000 req/s, below what the server it loads takes. Through the whole generator (closed
 * burst of 50 connections for 10 s against a bare node:http server, niced, on a machine at
 * load 8-10; medians of 3 interleaved runs) the generator's CPU per request went from 283 µs
 * with node:http to 90 µs with this client, 3.1x less. A bare socket loop measured 63 µs in
 * the same conditions; undici's Pool measured 106-120 µs standalone, so it was not worth a
 * dependency.
 */
export class RawPool {
  readonly #target: Target
  readonly #host: string
  readonly #maxConnections: number
  readonly #bytes = new WeakMap<RequestBody, Buffer>()
  // Last in, first out, as node:http's `lifo` scheduling was: the warm sockets stay warm.
  readonly #idle: Connection[] = []
  readonly #all = new Set<Connection>()
  // Requests waiting for a connection when all maxConnections are busy, oldest first.
  #waiting: Exchange[] = []
  #destroyed = false

  constructor(target: Target, maxConnections: number) {
    this.#target = target
    this.#host = target.host.includes(':') ? `[${target.host}]:${target.port}` : `${target.host}:${target.port}`
    this.#maxConnections = Math.max(1, maxConnections)
  }

  /** POSTs `body` to the target's path; resolves with what became of it, never rejects. */
  post(body: RequestBody, timeoutMs: number, cutter: Cutter): Promise<Outcome> {
    let bytes = this.#bytes.get(body)
    if (!bytes) {
      const auth = this.#target.token ? `Authorization: Bearer ${this.#target.token}\r\n` : ''
      const head = `POST ${this.#target.path} HTTP/1.1\r\nHost: ${this.#host}\r\nContent-Type: ${body.contentType}\r\nContent-Length: ${body.bytes.length}\r\n${auth}\r\n`
      bytes = Buffer.concat([Buffer.from(head, 'latin1'), body.bytes])
      this.#bytes.set(body, bytes)
    }
    return this.#request(bytes, timeoutMs, cutter)
  }

  /** A GET of `path` with no body: how the warm-up opens connections. */
  get(path: string, timeoutMs: number, cutter: Cutter): Promise<Outcome> {
    return this.#request(Buffer.from(`GET ${path} HTTP/1.1\r\nHost: ${this.#host}\r\n\r\n`, 'latin1'), timeoutMs, cutter)
  }

  /** Sends one complete request's `bytes`, on an idle connection, a new one, or the next one freed. */
  #request(bytes: Buffer, timeoutMs: number, cutter: Cutter): Promise<Outcome> {
    if (cutter.cut || this.#destroyed) return Promise.resolve({ cancelled: true })
    return new Promise<Outcome>((resolve) => {
      const exchange = new Exchange(bytes, resolve, timeoutMs, cutter)
      const connection = this.#idle.pop() ?? (this.#all.size < this.#maxConnections ? this.#open() : undefined)
      if (connection) connection.start(exchange)
      else this.#waiting.push(exchange)
    })
  }

  /** Closes every connection; requests still in flight or waiting end as cancelled. */
  destroy(): void {
    this.#destroyed = true
    for (const exchange of this.#waiting.splice(0)) exchange.finish({ cancelled: true })
    for (const connection of [...this.#all]) connection.drop({ cancelled: true })
  }

  #open(): Connection {
    const connection = new Connection(connect({ host: this.#target.host, port: this.#target.port }), this)
    this.#all.add(connection)
    return connection
  }

  #nextWaiting(): Exchange | undefined {
    while (this.#waiting.length > 0) {
      const exchange = this.#waiting.shift()!
      if (!exchange.settled) return exchange
    }
    return undefined
  }

  /** `connection` answered and may carry the next request. */
  released(connection: Connection): void {
    const next = this.#nextWaiting()
    if (next) connection.start(next)
    else this.#idle.push(connection)
  }

  /** `connection` is gone: its place goes to the next request waiting, on a new socket. */
  dropped(connection: Connection): void {
    this.#all.delete(connection)
    const index = this.#idle.lastIndexOf(connection)
    if (index !== -1) this.#idle.splice(index, 1)
    if (this.#destroyed) return
    const next = this.#nextWaiting()
    if (next) this.#open().start(next)
  }
}

/** One request and its promise; its deadline and the cutter run from when it was asked for. */
class Exchange {
  settled = false
  connection: Connection | undefined
  readonly #resolve: (outcome: Outcome) => void
  readonly #timer: NodeJS.Timeout
  readonly #leave: () => void

  constructor(readonly bytes: Buffer, resolve: (outcome: Outcome) => void, timeoutMs: number, cutter: Cutter) {
    this.#resolve = resolve
    this.#timer = setTimeout(() => this.#abandon({ error: 'timeout' }), timeoutMs)
    this.#leave = cutter.join(() => this.#abandon({ cancelled: true }))
  }

  finish(outcome: Outcome): void {
    if (this.settled) return
    this.settled = true
    clearTimeout(this.#timer)
    this.#leave()
    this.#resolve(outcome)
  }

  /** Timed out or cut: the connection, if it has one, is mid-exchange and cannot be reused. */
  #abandon(outcome: Outcome): void {
    if (this.connection) this.connection.drop(outcome)
    else this.finish(outcome)
  }
}

class Connection {
  readonly #socket: Socket
  readonly #pool: RawPool
  readonly #parser = new AnswerParser()
  #exchange: Exchange | undefined
  #dropped = false

  constructor(socket: Socket, pool: RawPool) {
    this.#socket = socket
    this.#pool = pool
    socket.setNoDelay(true)
    socket.on('data', (chunk: Buffer) => this.#read(chunk))
    // The server closed its side: an answer that runs to the close ends here; any other
    // is cut short. On an idle connection this is the server's keep-alive timeout.
    socket.on('end', () => {
      const answer = this.#exchange ? this.#parser.end() : undefined
      if (answer) this.#answered(answer)
      this.drop(this.#cutShort('reset'))
    })
    socket.on('error', (error: NodeJS.ErrnoException) => this.drop(this.#cutShort(classify(error))))
    socket.on('close', () => this.drop(this.#cutShort('reset')))
  }

  start(exchange: Exchange): void {
    this.#exchange = exchange
    exchange.connection = this
    // One request's bytes at most are ever queued here: the next waits for this one's answer.
    this.#socket.write(exchange.bytes)
  }

  /** Closes the connection; a request still on it ends with `outcome`. Safe to call twice. */
  drop(outcome: Outcome): void {
    if (this.#dropped) return
    this.#dropped = true
    const exchange = this.#exchange
    this.#exchange = undefined
    this.#socket.destroy()
    exchange?.finish(outcome)
    this.#pool.dropped(this)
  }

  /**
   * A connection lost mid-exchange: once the head is in, its status stands (node:http's
   * response 'error' kept it too); before that, the request has no answer.
   */
  #cutShort(kind: BurstErrorKind): Outcome {
    const status = this.#parser.status
    return status === undefined ? { error: kind } : { status }
  }

  #read(chunk: Buffer): void {
    // Bytes with no request out: nothing we can match them to.
    if (!this.#exchange) return this.drop({ cancelled: true })
    let answer: Answer | undefined
    try {
      answer = this.#parser.push(chunk)
    } catch {
      return this.drop({ error: 'other' })
    }
    if (answer) this.#answered(answer)
  }

  #answered(answer: Answer): void {
    const exchange = this.#exchange!
    this.#exchange = undefined
    exchange.connection = undefined
    exchange.finish({ status: answer.status, accepted: acceptedIn(answer.status, answer.text) })
    if (answer.close || answer.trailing) this.drop({ cancelled: true })
    else this.#pool.released(this)
  }
}
