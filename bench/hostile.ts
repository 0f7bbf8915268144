/**
 * `npm run bench:hostile`: the figures of the README's Security section. Against the
 * built server with its default settings (what `npm start` serves), from this process:
 * how soon a well-behaved client's event is answered while slow clients hold connections
 * open, and how far 100 concurrent chunked 20 MB uploads raise the server's RSS. Prints
 * the figures; asserts nothing.
 */
import { readFileSync } from 'node:fs'
import { request } from 'node:http'
import { connect, type Socket } from 'node:net'
import { setTimeout as sleep } from 'node:timers/promises'
import { parseArgs } from 'node:util'
import { buildBench } from './build.ts'
import { ServerProcess } from './server-process.ts'
import { openSession } from './session.ts'

const MiB = 1024 * 1024
const ROUNDS = 3
/** When the good client sends, in ms after a flood's connections are all open. */
const GOOD_AT_MS = [0, 500, 1_500, 3_000, 6_000]
const UPLOADS = 100
const UPLOAD_BYTES = 20 * MiB
const ANSWER_TIMEOUT_MS = 30_000

const log = (line: string) => process.stderr.write(`${line}\n`)

const { values } = parseArgs({ options: { help: { type: 'boolean', short: 'h', default: false } }, strict: true })
if (values.help) {
  console.log('usage: npm run bench:hostile\n  slow clients and big uploads against the built server with default settings')
  process.exit(0)
}

const ingestHead = (length: number) =>
  `POST /v1/events HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\nContent-Length: ${length}\r\n\r\n`

/** Opens `count` connections that each send `text` and then nothing, 200 at a time. */
async function flood(url: URL, count: number, text: string): Promise<Socket[]> {
  const sockets: Socket[] = []
  for (let opened = 0; opened < count; opened += 200) {
    await Promise.all(
      Array.from({ length: Math.min(200, count - opened) }, () =>
        new Promise<void>((resolve, reject) => {
          const socket = connect({ host: url.hostname, port: Number(url.port) }, () => {
            socket.write(text)
            resolve()
          })
          socket.once('error', reject)
          sockets.push(socket)
        }),
      ),
    )
  }
  for (const socket of sockets) socket.on('error', () => {})
  return sockets
}

/** One event, waiting for its commit: the status and how long it took. */
async function goodRequest(url: URL): Promise<{ status: number; ms: number }> {
  const started = performance.now()
  const response = await fetch(new URL('/v1/events?wait=commit', url), {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: '{"good":"client"}',
    signal: AbortSignal.timeout(ANSWER_TIMEOUT_MS),
  })
  await response.body?.cancel()
  return { status: response.status, ms: Math.round(performance.now() - started) }
}

/** A chunked upload of `bytes` that stops sending once answered: the status, or 0 on an error. */
function upload(url: URL, bytes: number): Promise<number> {
  const chunk = Buffer.alloc(64 * 1024, 'a')
  chunk.write('{"a":"')
  return new Promise((resolve) => {
    const req = request(new URL('/v1/events', url), { method: 'POST', agent: false, headers: { 'content-type': 'application/json', 'transfer-encoding': 'chunked' } })
    req.setTimeout(ANSWER_TIMEOUT_MS, () => req.destroy())
    req.on('response', (response) => {
      response.resume()
      resolve(response.statusCode ?? 0)
      req.destroy()
    })
    req.on('error', () => resolve(0))
    let sent = 0
    const pump = () => {
      while (sent < bytes && !req.destroyed) {
        sent += chunk.length
        if (!req.write(chunk)) return void req.once('drain', pump)
      }
      req.end()
    }
    pump()
  })
}

const rssMiB = (pid: number) => Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${pid}/status`, 'utf8'))?.[1] ?? 0) / 1024
const range = (values: number[]) => `${Math.round(Math.min(...values))}–${Math.round(Math.max(...values))}`
const tally = (statuses: number[]) => [...new Set(statuses)].sort().map((s) => `${statuses.filter((x) => x === s).length} × ${s || 'error'}`).join(', ')

const session = openSession(log)
try {
  await buildBench()
  const db = await session.openDatabase()
  const start = () => ServerProcess.start('sluice-copy', db.url, session.scratchDir)

  const slow = await start()
  const url = new URL(slow.url)
  for (const [name, count, text] of [
    ['2,000 connections that sent headers and 6 bytes of a 1,000-byte body, then stalled', 2_000, ingestHead(1_000) + '{"a":"'],
    ['64 connections that declared 1 MiB and sent only headers', 64, ingestHead(MiB)],
  ] as const) {
    const answers: Array<{ status: number; ms: number }> = []
    for (let round = 0; round < ROUNDS; round++) {
      const sockets = await flood(url, count, text)
      const opened = performance.now()
      for (const at of GOOD_AT_MS) {
        await sleep(Math.max(0, at - (performance.now() - opened)))
        answers.push(await goodRequest(url))
      }
      for (const socket of sockets) socket.destroy()
      await sleep(2_000)
    }
    console.log(`${name}: the good client's event ${tally(answers.map((a) => a.status))}, in ${range(answers.map((a) => a.ms))} ms (${answers.length} tries, 0 to 6 s after the flood)`)
  }
  await slow.stop()

  // Each round on a server of its own that has first served ordinary traffic: the first
  // traffic of any kind raises a fresh process's RSS too, and is not what uploads cost.
  const growth: number[] = []
  for (let round = 0; round < ROUNDS; round++) {
    const server = await start()
    const target = new URL(server.url)
    for (let i = 0; i < 20; i++) await Promise.all(Array.from({ length: 50 }, () => goodRequest(target)))
    await sleep(2_000)
    const pid = server.child.process.pid!
    const before = rssMiB(pid)
    let peak = before
    const sampler = setInterval(() => (peak = Math.max(peak, rssMiB(pid))), 20)
    const statuses = await Promise.all(Array.from({ length: UPLOADS }, () => upload(target, UPLOAD_BYTES)))
    await sleep(1_500)
    clearInterval(sampler)
    growth.push(peak - before)
    console.log(`${UPLOADS} chunked 20 MB uploads, round ${round + 1}: ${tally(statuses)}; RSS ${Math.round(before)} → ${Math.round(peak)} MB (+${Math.round(peak - before)}); then ${JSON.stringify(await goodRequest(target))}`)
    await server.stop()
  }
  console.log(`${UPLOADS} chunked 20 MB uploads raised peak RSS by ${range(growth)} MB (${ROUNDS} servers, each after 1,000 ordinary requests)`)
} finally {
  await session.cleanup()
}
