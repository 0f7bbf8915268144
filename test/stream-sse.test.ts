import { connect, type Socket } from 'node:net'
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { SseClient } from './support/sse.ts'
import { eventually, startTestSluice, type TestSluice } from './support/sluice.ts'

const clients: SseClient[] = []
const sockets: Socket[] = []
async function stream(url: string, headers?: Record<string, string>): Promise<SseClient> {
  const client = await SseClient.open(url, headers)
  clients.push(client)
  return client
}
afterEach(() => {
  for (const client of clients.splice(0)) client.close()
  for (const socket of sockets.splice(0)) socket.destroy()
})

/** A raw connection that asks for the stream and then never reads a byte. */
async function stalledClient(url: string): Promise<Socket> {
  const { hostname, port } = new URL(url)
  const socket = connect({ host: hostname, port: Number(port) })
  sockets.push(socket)
  socket.on('error', () => {})
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve)
    socket.once('error', reject)
  })
  socket.pause()
  socket.write(`GET /api/stream HTTP/1.1\r\nHost: ${hostname}\r\n\r\n`)
  return socket
}

const seqs = (client: SseClient) => client.metrics().map((s) => s.seq)
const consecutive = (from: number, count: number) => Array.from({ length: count }, (_, i) => from + i)

describe('hello, ticks and resume', () => {
  let sluice: TestSluice
  beforeAll(async () => {
    sluice = await startTestSluice({ tickMs: 40 })
  })
  afterAll(() => sluice?.stop())

  it('opens with hello (config, history) and then one metrics event per tick, ids being the tick numbers', async () => {
    await eventually(() => (sluice.telemetry.sampler.latest?.seq ?? 0) > 0, 5_000, 'a first tick')
    const client = await stream(sluice.url)
    const hello = await client.hello()
    expect(hello.since).toBeNull()
    expect(hello.config.live).toEqual(sluice.pipeline.knobs)
    expect(hello.config.fixed).toMatchObject({ tickMs: 40, sseMaxClients: 50, historySeconds: 600, tokenRequired: false })
    expect(hello.startedAt).toBe(sluice.telemetry.startedAt)
    expect(hello.history.length).toBeGreaterThan(0)
    const historySeqs = hello.history.map((s) => s.seq)
    expect(historySeqs).toEqual(consecutive(historySeqs[0]!, historySeqs.length))
    const helloMessage = client.messages.find((m) => m.event === 'hello')!
    expect(helloMessage.id).toBe(String(historySeqs.at(-1)))

    await client.nextMetrics(3)
    const live = client.messages.filter((m) => m.event === 'metrics')
    expect(live.map((m) => Number(m.id))).toEqual(consecutive(historySeqs.at(-1)! + 1, live.length))
    expect(live.map((m) => JSON.parse(m.data).seq)).toEqual(live.map((m) => Number(m.id)))
  })

  it('gives a client that resumes with Last-Event-ID exactly the ticks it missed', async () => {
    const first = await stream(sluice.url)
    await first.hello()
    await first.nextMetrics(2)
    first.close()
    const lastSeen = Number(first.messages.filter((m) => m.id !== undefined).at(-1)!.id)
    const seenFirst = [...first.all('hello')[0]!.history.map((s) => s.seq), ...seqs(first)]
    await eventually(() => sluice.telemetry.sampler.latest!.seq >= lastSeen + 3, 5_000, 'three ticks missed')

    const second = await stream(sluice.url, { 'Last-Event-ID': String(lastSeen) })
    const hello = await second.hello()
    expect(hello.since).toBe(lastSeen)
    const missed = hello.history.map((s) => s.seq)
    expect(missed.length).toBeGreaterThanOrEqual(3)
    expect(missed).toEqual(consecutive(lastSeen + 1, missed.length))
    await second.nextMetrics(2)
    const seenSecond = [...missed, ...seqs(second)]
    expect(seenSecond).toEqual(consecutive(lastSeen + 1, seenSecond.length))
    // Together: every tick from the first hello on, each once.
    const all = [...seenFirst.filter((seq) => seq <= lastSeen), ...seenSecond]
    expect(all).toEqual(consecutive(all[0]!, all.length))
  })

  it('sends the whole history to a Last-Event-ID it cannot resume from', async () => {
    for (const id of ['1', '999999999999999', 'not-a-number']) {
      const client = await stream(sluice.url, { 'Last-Event-ID': id })
      const hello = await client.hello()
      expect(hello.since).toBeNull()
      expect(hello.history.length).toBeGreaterThan(0)
      client.close()
    }
  })

  it('keeps annotations in the hello and broadcasts new ones', async () => {
    const watcher = await stream(sluice.url)
    await watcher.hello()
    const posted = await fetch(`${sluice.url}/api/annotations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ text: 'switched to batch' }) })
    expect(posted.status).toBe(201)
    const annotation = await posted.json()
    expect(annotation).toMatchObject({ text: 'switched to batch', afterSeq: expect.any(Number), id: expect.any(Number) })
    await watcher.until(() => watcher.all('annotation').length === 1, 5_000, 'the annotation event')
    expect(watcher.all('annotation')).toEqual([annotation])
    const annotationMessage = watcher.messages.find((m) => m.event === 'annotation')!
    expect(annotationMessage.id).toBeUndefined()

    const later = await stream(sluice.url)
    expect((await later.hello()).annotations).toEqual([annotation])
    for (const body of ['{}', '{"text":""}', `{"text":"${'x'.repeat(2_001)}"}`, 'nope']) {
      expect((await fetch(`${sluice.url}/api/annotations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body })).status).toBe(400)
    }
  })

  it('keeps knob changes, with who made them and the values before, in every later hello', async () => {
    const before = sluice.pipeline.knobs.dbLatencyMs
    const watcher = await stream(sluice.url)
    await watcher.hello()
    const patched = await fetch(`${sluice.url}/api/config`, { method: 'PATCH', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ dbLatencyMs: before + 7 }) })
    expect(patched.status).toBe(200)
    await watcher.until(() => watcher.all('config').length === 1, 5_000, 'the config event')
    const event = watcher.all('config')[0]!
    expect(event).toMatchObject({ changed: ['dbLatencyMs'], by: 'api', from: { dbLatencyMs: before }, at: expect.any(Number) })

    // A dashboard that connects (or reloads) afterwards never saw that event: its hello has it.
    const later = await stream(sluice.url)
    const { knobChanges } = await later.hello()
    expect(knobChanges.at(-1)).toEqual({ at: event.at, by: 'api', from: { dbLatencyMs: before }, to: { dbLatencyMs: before + 7 } })
    sluice.pipeline.setKnobs({ dbLatencyMs: before }, 'test')
    const last = await stream(sluice.url)
    expect((await last.hello()).knobChanges.slice(-2).map((c) => c.by)).toEqual(['api', 'test'])
  })
})

describe('clients that go away, stall or are too many', () => {
  let sluice: TestSluice
  beforeAll(async () => {
    // A short history keeps the hello small, so the backlog bound below is about the stream.
    sluice = await startTestSluice({ tickMs: 20, historySeconds: 1, sseWriteTimeoutMs: 300 })
  })
  afterAll(() => sluice?.stop())
  const hub = () => sluice.telemetry.hub

  it('answers HEAD with the stream headers and no stream', async () => {
    for (let i = 0; i < 20; i++) {
      const response = await fetch(`${sluice.url}/api/stream`, { method: 'HEAD', signal: AbortSignal.timeout(5_000) })
      expect(response.status).toBe(200)
      expect(response.headers.get('content-type')).toBe('text/event-stream; charset=utf-8')
      expect(await response.text()).toBe('')
    }
    expect(hub().clients).toBe(0)
    const client = await stream(sluice.url)
    const s = await client.snapshotWhere(() => true)
    expect(s.sse.clients).toBe(1)
  })

  it('drops a client that stops reading, and its backlog stays bounded', async () => {
    const droppedBefore = hub().droppedTotal
    const socket = await stalledClient(sluice.url)
    await eventually(() => hub().clients === 1, 5_000, 'the stalled client attached')
    let peak = 0
    const note = JSON.stringify({ text: 'x'.repeat(2_000) })
    const annotate = () => fetch(`${sluice.url}/api/annotations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: note, signal: AbortSignal.timeout(5_000) }).then((r) => r.status)
    // Notes of 2 000 characters, 16 at a time, fill the socket's kernel buffers (megabytes on loopback) far faster than ticks.
    for (let round = 0; round < 1_000 && hub().clients > 0; round++) {
      expect(await Promise.all(Array.from({ length: 16 }, annotate))).toEqual(Array(16).fill(201))
      peak = Math.max(peak, hub().bufferedBytes)
    }
    await eventually(() => hub().clients === 0, 5_000, 'the stalled client dropped')
    expect(hub().droppedTotal).toBe(droppedBefore + 1)
    // At most the backlog allowance (hello + 1 MiB) and one event more.
    expect(peak).toBeLessThan(1.2 * 1024 * 1024)
    expect(hub().bufferedBytes).toBe(0)
    socket.destroy()
    const watcher = await stream(sluice.url)
    const s = await watcher.snapshotWhere((snapshot) => snapshot.sse.droppedTotal === droppedBefore + 1)
    expect(s.sse.clients).toBe(1)
  })

  it('keeps a client that reads a hello larger than the socket takes at once', async () => {
    const big = await startTestSluice({ tickMs: 20, sseWriteTimeoutMs: 300 })
    try {
      const note = JSON.stringify({ text: 'y'.repeat(2_000) })
      for (let round = 0; round < 32; round++) {
        await Promise.all(Array.from({ length: 16 }, () => fetch(`${big.url}/api/annotations`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: note, signal: AbortSignal.timeout(5_000) })))
      }
      const client = await stream(big.url)
      const hello = await client.hello()
      // 500 notes of 2 000 characters: a hello of about 1 MB, more than one write takes.
      expect(hello.annotations).toHaveLength(500)
      // Well past the write timeout (300 ms): a client that drained its hello is not behind.
      const first = (await client.nextMetrics(1))[0]!
      await client.snapshotWhere((s) => s.time >= first.time + 1_000, 10_000, 'a second of ticks')
      expect(client.ended).toBe(false)
      expect(big.telemetry.hub.droppedTotal).toBe(0)
      expect(big.telemetry.hub.clients).toBe(1)
    } finally {
      await big.stop()
    }
  })

  it('refuses the client beyond the cap with 503 and takes one again when a slot frees', async () => {
    const capped = await startTestSluice({ tickMs: 100 })
    const open: SseClient[] = []
    try {
      for (let i = 0; i < 50; i++) open.push(await SseClient.open(capped.url))
      expect(capped.telemetry.hub.clients).toBe(50)
      const refused = await fetch(`${capped.url}/api/stream`, { signal: AbortSignal.timeout(5_000) })
      expect(refused.status).toBe(503)
      expect(refused.headers.get('retry-after')).toBe('5')
      expect(await refused.json()).toMatchObject({ error: 'unavailable' })
      open.pop()!.close()
      await eventually(() => capped.telemetry.hub.clients === 49, 5_000, 'a slot freed')
      open.push(await SseClient.open(capped.url))
      expect(capped.telemetry.hub.clients).toBe(50)
    } finally {
      for (const client of open) client.close()
      await capped.stop()
    }
  })
})

describe('a quiet stream', () => {
  let sluice: TestSluice
  beforeAll(async () => {
    // No tick and no heartbeat in the test's lifetime: nothing is written after the hello.
    sluice = await startTestSluice({ tickMs: 60_000, sseHeartbeatMs: 60_000 })
  })
  afterAll(() => sluice?.stop())

  it('unsubscribes a client as soon as it disconnects, without waiting for a write', async () => {
    const client = await stream(sluice.url)
    await client.hello()
    expect(sluice.telemetry.hub.clients).toBe(1)
    client.close()
    await eventually(() => sluice.telemetry.hub.clients === 0, 5_000, 'the client forgotten')
  })

  it('sends heartbeat comments when there is nothing else to send', async () => {
    const beating = await startTestSluice({ tickMs: 60_000, sseHeartbeatMs: 50 })
    try {
      const client = await stream(beating.url)
      await client.hello()
      await client.until(() => client.comments >= 2, 5_000, 'two heartbeats')
      expect(client.metrics()).toEqual([])
    } finally {
      await beating.stop()
    }
  })
})
