import type { ServerResponse } from 'node:http'
import type { Hello, SseData, SseEventName } from '../../shared/sse.ts'
import type { SseFigures } from './core.ts'

export const SSE_HEADERS = {
  'content-type': 'text/event-stream; charset=utf-8',
  'cache-control': 'no-cache, no-transform',
  // nginx and friends buffer responses unless told not to.
  'x-accel-buffering': 'no',
} as const

/** Beyond its hello, how much may wait in a client's socket buffer before it is dropped at once. */
const MAX_BACKLOG_BYTES = 1024 * 1024
/** Sent with the hello: how soon an EventSource reconnects after losing the stream. */
const RETRY_MS = 1_000

export interface SseHubOptions {
  readonly maxClients: number
  /** Ticks kept for backfill. */
  readonly historyTicks: number
  /** A client whose socket has not drained this long after a write was refused is dropped. */
  readonly writeTimeoutMs: number
  /** A comment goes out when nothing else did for this long. */
  readonly heartbeatMs: number
  readonly log?: (line: string) => void
}

interface Client {
  readonly res: ServerResponse
  /** Armed while the socket is behind; firing drops the client. */
  timer: NodeJS.Timeout | undefined
  /** Bytes that may wait in the socket's buffer: the hello plus MAX_BACKLOG_BYTES until it first drains. */
  allowance: number
  readonly drained: () => void
}

interface Tick {
  readonly seq: number
  /** The whole `metrics` event. */
  readonly frame: Buffer
  /** The snapshot's JSON: a view into `frame`, reused by every hello. */
  readonly json: Buffer
}

const COMMA = Buffer.from(',')
const HELLO_END = Buffer.from(']}\n\n')
const HEARTBEAT = Buffer.from(': keep-alive\n\n')

/**
 * The stream's fan-out: every event is serialised once and the same Buffer is written to
 * every client. A client that does not keep up (its socket refuses data for longer than
 * the write timeout, or its backlog passes MAX_BACKLOG_BYTES) is dropped, never buffered
 * for. Keeps the last `historyTicks` metrics events for backfill and resume.
 */
export class SseHub implements SseFigures {
  droppedTotal = 0
  readonly #options: SseHubOptions
  readonly #clients = new Set<Client>()
  readonly #ring: Array<Tick | undefined>
  /** Index of the oldest tick in #ring. */
  #ringStart = 0
  #ringCount = 0
  #latestSeq: number | undefined
  #quiet = true
  #closed = false
  readonly #heartbeat: NodeJS.Timeout

  constructor(options: SseHubOptions) {
    this.#options = options
    this.#ring = new Array<Tick | undefined>(options.historyTicks).fill(undefined)
    this.#heartbeat = setInterval(() => {
      if (this.#quiet) this.#broadcast(HEARTBEAT)
      this.#quiet = true
    }, options.heartbeatMs)
    this.#heartbeat.unref()
  }

  get clients(): number {
    return this.#clients.size
  }

  get bufferedBytes(): number {
    let bytes = 0
    for (const client of this.#clients) bytes += client.res.writableLength
    return bytes
  }

  /** True when one more client would pass the cap. */
  get full(): boolean {
    return this.#clients.size >= this.#options.maxClients
  }

  /** Keeps the tick's serialised snapshot and writes it to every client. */
  publishTick(seq: number, json: string): void {
    const head = `id: ${seq}\nevent: metrics\ndata: `
    const frame = Buffer.from(`${head}${json}\n\n`)
    const tick = { seq, frame, json: frame.subarray(Buffer.byteLength(head), frame.length - 2) }
    const capacity = this.#ring.length
    if (capacity > 0) {
      this.#ring[(this.#ringStart + this.#ringCount) % capacity] = tick
      if (this.#ringCount < capacity) this.#ringCount++
      else this.#ringStart = (this.#ringStart + 1) % capacity
    }
    this.#latestSeq = seq
    this.#broadcast(frame)
  }

  /** Writes an event without an id (so it never moves a client's resume point) to every client. */
  publish<E extends Exclude<SseEventName, 'hello' | 'metrics'>>(event: E, data: SseData<E>): void {
    this.#broadcast(Buffer.from(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`))
  }

  /**
   * Takes over a response: writes the SSE head and a `hello` with `head` plus the ticks
   * the client lacks (those after `lastEventId` when it is within the ring, else all),
   * then every event until the connection closes or falls behind.
   */
  attach(res: ServerResponse, lastEventId: number | undefined, head: Omit<Hello, 'since' | 'history'>): void {
    // Gone already: its 'close' has fired and would never unsubscribe it.
    if (res.destroyed) return
    res.writeHead(200, SSE_HEADERS)
    if (this.#closed) {
      res.end()
      return
    }
    const hello = this.#helloFrame(lastEventId, head)
    const client: Client = {
      res,
      timer: undefined,
      allowance: hello.length + MAX_BACKLOG_BYTES,
      drained: () => {
        clearTimeout(client.timer)
        client.timer = undefined
        client.allowance = MAX_BACKLOG_BYTES
      },
    }
    this.#clients.add(client)
    res.once('close', () => this.#forget(client))
    this.#write(client, hello)
  }

  /** Ends every stream and stops the heartbeat. Safe to call twice. */
  close(): void {
    this.#closed = true
    clearInterval(this.#heartbeat)
    for (const client of this.#clients) {
      this.#forget(client)
      client.res.end()
    }
  }

  #helloFrame(lastEventId: number | undefined, head: Omit<Hello, 'since' | 'history'>): Buffer {
    const ticks: Tick[] = []
    for (let i = 0; i < this.#ringCount; i++) ticks.push(this.#ring[(this.#ringStart + i) % this.#ring.length]!)
    const latest = this.#latestSeq
    const oldest = ticks[0]?.seq ?? (latest === undefined ? undefined : latest + 1)
    // Resume only without a gap: an id from before the ring, or from another run of the server, gets everything.
    const resume = lastEventId !== undefined && latest !== undefined && oldest !== undefined && lastEventId >= oldest - 1 && lastEventId <= latest
    const since = resume ? lastEventId : null
    const sent = resume ? ticks.filter((tick) => tick.seq > lastEventId) : ticks
    const id = latest === undefined ? '' : `id: ${latest}\n`
    const hello: Omit<Hello, 'history'> = { ...head, since }
    const parts: Buffer[] = [Buffer.from(`retry: ${RETRY_MS}\n${id}event: hello\ndata: ${JSON.stringify(hello).slice(0, -1)},"history":[`)]
    sent.forEach((tick, i) => {
      if (i > 0) parts.push(COMMA)
      parts.push(tick.json)
    })
    parts.push(HELLO_END)
    return Buffer.concat(parts)
  }

  #broadcast(chunk: Buffer): void {
    this.#quiet = false
    for (const client of this.#clients) this.#write(client, chunk)
  }

  #write(client: Client, chunk: Buffer): void {
    const res = client.res
    if (res.writableLength + chunk.length > client.allowance) return this.#drop(client, `its backlog passed ${client.allowance} bytes`)
    if (res.write(chunk) || client.timer) return
    client.timer = setTimeout(() => this.#drop(client, `its socket did not drain within ${this.#options.writeTimeoutMs} ms`), this.#options.writeTimeoutMs)
    client.timer.unref()
    res.once('drain', client.drained)
  }

  #drop(client: Client, why: string): void {
    if (!this.#clients.has(client)) return
    this.droppedTotal++
    this.#forget(client)
    this.#options.log?.(`dropped a stream client: ${why}`)
    client.res.destroy()
  }

  #forget(client: Client): void {
    this.#clients.delete(client)
    clearTimeout(client.timer)
    client.res.off('drain', client.drained)
  }
}
