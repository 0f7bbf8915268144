import type { ServerResponse } from 'node:http'
import { Writable } from 'node:stream'
import { afterEach, describe, expect, it } from 'vitest'
import { SseHub } from '../../server/metrics/sse-hub.ts'
import type { Hello } from '../../shared/sse.ts'

/** A response that keeps what it is sent; `stalled` takes nothing, like a client that stopped reading. */
class RecordingResponse extends Writable {
  status = 0
  readonly #chunks: Buffer[] = []
  constructor(readonly stalled = false) {
    super()
  }
  writeHead(status: number): this {
    this.status = status
    return this
  }
  override _write(chunk: Buffer, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    this.#chunks.push(chunk)
    if (!this.stalled) done()
  }
  /** The frames written so far, as field lists. */
  frames(): Array<Record<string, string>> {
    const text = Buffer.concat(this.#chunks).toString()
    return text.split('\n\n').filter(Boolean).map((frame) => Object.fromEntries(frame.split('\n').map((line) => [line.slice(0, line.indexOf(':')), line.slice(line.indexOf(':') + 2)])))
  }
}

const HEAD: Omit<Hello, 'since' | 'history'> = { config: {} as Hello['config'], startedAt: 1, annotations: [], knobChanges: [] }
const hubs: SseHub[] = []
const newHub = (historyTicks = 3) => {
  const hub = new SseHub({ maxClients: 10, historyTicks, writeTimeoutMs: 1_000, heartbeatMs: 60_000 })
  hubs.push(hub)
  return hub
}
afterEach(() => {
  for (const hub of hubs.splice(0)) hub.close()
})

const attach = (hub: SseHub, lastEventId?: number, res = new RecordingResponse()) => {
  hub.attach(res as unknown as ServerResponse, lastEventId, HEAD)
  return res
}
const publishTicks = (hub: SseHub, from: number, to: number) => {
  for (let seq = from; seq <= to; seq++) hub.publishTick(seq, JSON.stringify({ seq }))
}
const hello = (res: RecordingResponse) => {
  const frame = res.frames()[0]!
  return { id: frame.id, retry: frame.retry, event: frame.event, data: JSON.parse(frame.data!) as Hello }
}

describe('SSE frames', () => {
  it('writes every tick once, with its seq as the id, to every client', () => {
    const hub = newHub()
    const [a, b] = [attach(hub), attach(hub)]
    publishTicks(hub, 1, 2)
    for (const res of [a, b]) {
      expect(res.status).toBe(200)
      expect(res.frames().slice(1)).toEqual([
        { id: '1', event: 'metrics', data: '{"seq":1}' },
        { id: '2', event: 'metrics', data: '{"seq":2}' },
      ])
    }
  })

  it('greets a new client with a hello holding the last historyTicks ticks and the latest id', () => {
    const hub = newHub(3)
    publishTicks(hub, 1, 5)
    const { id, retry, event, data } = hello(attach(hub))
    expect({ id, retry, event }).toEqual({ id: '5', retry: '1000', event: 'hello' })
    expect(data).toEqual({ ...HEAD, since: null, history: [{ seq: 3 }, { seq: 4 }, { seq: 5 }] })
  })

  it('resumes after Last-Event-ID only without a gap; otherwise the hello holds everything', () => {
    const hub = newHub(3)
    publishTicks(hub, 1, 5)
    expect(hello(attach(hub, 3)).data).toMatchObject({ since: 3, history: [{ seq: 4 }, { seq: 5 }] })
    expect(hello(attach(hub, 2)).data).toMatchObject({ since: 2, history: [{ seq: 3 }, { seq: 4 }, { seq: 5 }] })
    expect(hello(attach(hub, 5)).data).toMatchObject({ since: 5, history: [] })
    // Before the ring (a gap), or after the latest (another run of the server): start over.
    for (const stale of [1, 9]) expect(hello(attach(hub, stale)).data).toMatchObject({ since: null, history: [{ seq: 3 }, { seq: 4 }, { seq: 5 }] })
  })

  it('sends other events without an id, so they never move a resume point', () => {
    const hub = newHub()
    const res = attach(hub)
    hub.publish('annotation', { id: 1, at: 2, afterSeq: 0, text: 'mark' })
    expect(res.frames().at(-1)).toEqual({ event: 'annotation', data: '{"id":1,"at":2,"afterSeq":0,"text":"mark"}' })
  })

  it('drops a client whose backlog passes the limit instead of buffering for it', () => {
    const hub = newHub()
    const slow = attach(hub, undefined, new RecordingResponse(true))
    const fast = attach(hub)
    const big = JSON.stringify({ pad: 'x'.repeat(600 * 1024) })
    hub.publishTick(1, big)
    expect([hub.clients, hub.droppedTotal]).toEqual([2, 0])
    hub.publishTick(2, big)
    expect([hub.clients, hub.droppedTotal, slow.destroyed]).toEqual([1, 1, true])
    expect(fast.frames().map((frame) => frame.id)).toEqual([undefined, '1', '2'])
  })

  it('ends every stream on close, and a client that comes after at once', () => {
    const hub = newHub()
    const before = attach(hub)
    hub.close()
    const after = attach(hub)
    expect([before.writableEnded, after.writableEnded, hub.clients]).toEqual([true, true, 0])
  })
})
