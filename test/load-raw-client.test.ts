import { createServer as createHttpServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http'
import { createServer as createNetServer, type Server as NetServer, type Socket } from 'node:net'
import { afterEach, describe, expect, it } from 'vitest'
import { Cutter } from '../server/load/cutter.ts'
import { startGenerator } from '../server/load/generator.ts'
import type { Outcome } from '../server/load/outcome.ts'
import { RawPool } from '../server/load/raw-client.ts'
import { eventually } from './support/sluice.ts'

const BODY = { contentType: 'application/json', bytes: Buffer.from('{"type":"raw","n":1}') }
// A deadline against hangs, far above what any of these answers takes.
const TIMEOUT_MS = 10_000

interface Listening {
  readonly port: number
  /** Connections the server has accepted so far. */
  readonly connections: Socket[]
  stop(): Promise<void>
}

const stops: Array<() => Promise<void>> = []
afterEach(async () => {
  for (const stop of stops.splice(0)) await stop()
})

async function listen(server: HttpServer | NetServer, connections: Socket[]): Promise<Listening> {
  server.on('connection', (socket: Socket) => connections.push(socket))
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  const stop = () => new Promise<void>((resolve) => {
    for (const socket of connections) socket.destroy()
    server.close(() => resolve())
  })
  stops.push(stop)
  return { port, connections, stop }
}

/** A node:http server; `answer` writes each response. */
function httpServer(answer: (req: IncomingMessage, body: string, res: ServerResponse) => void): Promise<Listening> {
  const server = createHttpServer((req, res) => {
    let body = ''
    req.setEncoding('utf8')
    req.on('data', (chunk: string) => (body += chunk))
    req.on('end', () => answer(req, body, res))
  })
  return listen(server, [])
}

/** A bare TCP server: `onRequest` gets the socket once a whole request (head and body) is in. */
function netServer(onRequest: (socket: Socket) => void): Promise<Listening> {
  const server = createNetServer((socket) => {
    let seen = ''
    socket.setEncoding('latin1')
    socket.on('error', () => {})
    socket.on('data', (chunk: string) => {
      seen += chunk
      const end = seen.indexOf('\r\n\r\n')
      const length = Number(/content-length: (\d+)/i.exec(seen)?.[1] ?? 0)
      if (end === -1 || seen.length < end + 4 + length) return
      seen = seen.slice(end + 4 + length)
      onRequest(socket)
    })
  })
  return listen(server, [])
}

const poolFor = (port: number, maxConnections = 4, token?: string) => {
  const pool = new RawPool({ host: '127.0.0.1', port, path: '/v1/events', token }, maxConnections)
  stops.push(async () => pool.destroy())
  return pool
}

const post = (pool: RawPool, cutter = new Cutter(), timeoutMs = TIMEOUT_MS): Promise<Outcome> => pool.post(BODY, timeoutMs, cutter)

const accepted = (res: ServerResponse, extra: Record<string, string> = {}) => {
  const text = '{"accepted":1}'
  res.writeHead(202, { 'content-type': 'application/json', 'content-length': text.length, ...extra })
  res.end(text)
}

/** Writes `wire` one byte per write, a millisecond apart, so the client reads it in many pieces. */
async function byteByByte(socket: Socket, wire: string): Promise<void> {
  for (const byte of wire) {
    if (socket.destroyed) return
    socket.write(byte)
    await new Promise((resolve) => setTimeout(resolve, 1))
  }
}

describe('the raw keep-alive client', () => {
  it('sends the request line, Host, Content-Type, Content-Length, the token and the body, and reads a Content-Length answer', async () => {
    const seen: Array<{ method?: string; url?: string; headers: IncomingMessage['headers']; body: string }> = []
    const server = await httpServer((req, body, res) => {
      seen.push({ method: req.method, url: req.url, headers: req.headers, body })
      accepted(res)
    })
    const pool = poolFor(server.port, 4, 's3cret')
    expect(await post(pool)).toEqual({ status: 202, accepted: 1 })
    expect(await post(pool)).toEqual({ status: 202, accepted: 1 })
    expect(seen).toHaveLength(2)
    expect(seen[0]).toMatchObject({
      method: 'POST',
      url: '/v1/events',
      headers: { host: `127.0.0.1:${server.port}`, 'content-type': 'application/json', 'content-length': String(BODY.bytes.length), authorization: 'Bearer s3cret' },
      body: BODY.bytes.toString(),
    })
    // Kept alive: the second request went on the first one's connection.
    expect(server.connections).toHaveLength(1)
  })

  it('reads a chunked answer and reuses the connection after it', async () => {
    const server = await httpServer((_req, _body, res) => {
      res.writeHead(200, { 'content-type': 'application/json' })
      res.write('{"accep')
      setTimeout(() => res.end('ted":5}'), 5)
    })
    const pool = poolFor(server.port)
    expect(await post(pool)).toEqual({ status: 200, accepted: 5 })
    expect(await post(pool)).toEqual({ status: 200, accepted: 5 })
    expect(server.connections).toHaveLength(1)
  })

  it('keeps a refusal\'s status with no accepted count', async () => {
    const server = await httpServer((_req, _body, res) => {
      res.writeHead(400, { 'content-type': 'application/json' })
      res.end('{"error":"invalid_event","accepted":9}')
    })
    expect(await post(poolFor(server.port))).toEqual({ status: 400 })
  })

  it('after Connection: close, drops the socket and opens a new one for the next request', async () => {
    const server = await httpServer((_req, _body, res) => accepted(res, { connection: 'close' }))
    const pool = poolFor(server.port)
    expect(await post(pool)).toEqual({ status: 202, accepted: 1 })
    expect(await post(pool)).toEqual({ status: 202, accepted: 1 })
    expect(await post(pool)).toEqual({ status: 202, accepted: 1 })
    expect(server.connections).toHaveLength(3)
  })

  it('reads answers that arrive one byte at a time, with Content-Length and chunked', async () => {
    let count = 0
    const server = await netServer((socket) => {
      const wire = count++ % 2 === 0
        ? 'HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nContent-Length: 14\r\n\r\n{"accepted":4}'
        : 'HTTP/1.1 202 Accepted\r\nTransfer-Encoding: chunked\r\n\r\n6\r\n{"acce\r\n8\r\npted":6}\r\n0\r\n\r\n'
      void byteByByte(socket, wire)
    })
    const pool = poolFor(server.port)
    expect(await post(pool)).toEqual({ status: 202, accepted: 4 })
    expect(await post(pool)).toEqual({ status: 202, accepted: 6 })
    expect(server.connections).toHaveLength(1)
  })

  it('counts a reset before the head is in as a reset, and keeps the status of one cut mid-body', async () => {
    let count = 0
    const server = await netServer((socket) => {
      if (count++ === 0) socket.write('HTTP/1.1 202 Acc', () => socket.resetAndDestroy())
      else socket.write('HTTP/1.1 202 Accepted\r\nContent-Length: 14\r\n\r\n{"acc', () => socket.resetAndDestroy())
    })
    const pool = poolFor(server.port)
    expect(await post(pool)).toEqual({ error: 'reset' })
    expect(await post(pool)).toEqual({ status: 202 })
  })

  it('counts a connection closed with no answer as a reset, and one refused as a connect error', async () => {
    const server = await netServer((socket) => socket.end())
    expect(await post(poolFor(server.port))).toEqual({ error: 'reset' })
    const { port } = server
    await server.stop()
    expect(await post(poolFor(port))).toEqual({ error: 'connect' })
  })

  it('counts garbage for an answer as other', async () => {
    const server = await netServer((socket) => socket.write('SSH-2.0-OpenSSH_9.6\r\n\r\n'))
    expect(await post(poolFor(server.port))).toEqual({ error: 'other' })
  })

  it('opens a new connection when the server closed an idle one', async () => {
    const server = await netServer((socket) => {
      // A keep-alive timeout, in short: the answer, then the server hangs up.
      socket.write('HTTP/1.1 202 Accepted\r\nContent-Length: 14\r\n\r\n{"accepted":1}', () => socket.end())
    })
    const pool = poolFor(server.port)
    expect(await post(pool)).toEqual({ status: 202, accepted: 1 })
    await eventually(() => server.connections[0]!.closed, TIMEOUT_MS, 'the idle connection to close on both sides')
    expect(await post(pool)).toEqual({ status: 202, accepted: 1 })
    expect(server.connections).toHaveLength(2)
  })

  it('times out a request that gets no answer, and closes its connection', async () => {
    const server = await netServer(() => {})
    expect(await post(poolFor(server.port), new Cutter(), 200)).toEqual({ error: 'timeout' })
    await eventually(() => server.connections.length === 1 && server.connections[0]!.closed, TIMEOUT_MS, 'the timed-out connection to close')
  })

  it('cancels every request in flight at once on cutAll, and any asked for after', async () => {
    const server = await netServer(() => {})
    const pool = poolFor(server.port)
    const cutter = new Cutter()
    const pending = [post(pool, cutter), post(pool, cutter), post(pool, cutter)]
    await eventually(() => server.connections.length === 3, TIMEOUT_MS, 'three connections')
    cutter.cutAll()
    expect(await Promise.all(pending)).toEqual([{ cancelled: true }, { cancelled: true }, { cancelled: true }])
    expect(await post(pool, cutter)).toEqual({ cancelled: true })
    await eventually(() => server.connections.every((socket) => socket.closed), TIMEOUT_MS, 'the cut connections to close')
  })

  it('never holds more than maxConnections sockets: later requests wait for a free one', async () => {
    let inflight = 0
    let highWater = 0
    const server = await httpServer((_req, _body, res) => {
      highWater = Math.max(highWater, ++inflight)
      setTimeout(() => {
        inflight--
        accepted(res)
      }, 20)
    })
    const pool = poolFor(server.port, 2)
    const outcomes = await Promise.all(Array.from({ length: 7 }, () => post(pool)))
    expect(outcomes).toEqual(Array.from({ length: 7 }, () => ({ status: 202, accepted: 1 })))
    expect(highWater).toBe(2)
    expect(server.connections).toHaveLength(2)
  })
})

describe('a burst on the raw client', () => {
  it('counts every answer of a server that closes the connection after each one, with no errors', async () => {
    const server = await httpServer((_req, _body, res) => {
      res.writeHead(503, { 'content-type': 'application/json', connection: 'close' })
      res.end('{"error":"overloaded"}')
    })
    const spec = { model: 'closed', shape: { kind: 'steady', level: 3 }, durationMs: 500, body: { eventsPerRequest: 2, eventBytes: 100, format: 'ndjson' } } as const
    const generator = startGenerator({ spec, host: '127.0.0.1', port: server.port, token: undefined, maxConnections: 3, tickMs: 250 }, () => {})
    stops.push(async () => generator.stop())
    const result = await generator.done
    expect(result.sent).toBeGreaterThan(3)
    expect(result.statuses).toEqual({ 503: result.sent })
    expect(result.errors).toEqual({})
    // A connection of its own for every request: the pool never reused a closed one.
    expect(server.connections).toHaveLength(result.sent)
  })
})
