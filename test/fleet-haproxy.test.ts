import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { createSql, type Sql } from '../server/db/client.ts'
import { freePort } from '../server/db/embedded.ts'
import { fresh, pidOf } from './support/fleet.ts'
import { SseClient } from './support/sse.ts'
import { runLoad } from './support/load.ts'
import { ready, startServerProcess, type ServerProcess } from './support/process.ts'
import { isRunning } from './support/processes.ts'
import { eventually, freshDatabase } from './support/sluice.ts'

const HAPROXY = '/usr/sbin/haproxy'
const EVENTS_PER_REQUEST = 5

/**
 * The configuration README.md ("More cores, more machines") shows: round robin over the
 * instances, /readyz as the health check (a draining or overloaded instance takes no new
 * requests), and a request whose connection was refused retried on another server.
 */
function haproxyConfig(port: number, servers: ReadonlyArray<{ name: string; port: number }>): string {
  return `global
  maxconn 1024

defaults
  mode http
  timeout connect 1s
  timeout client 30s
  timeout server 30s
  retries 2
  option redispatch

frontend sluice
  bind 127.0.0.1:${port}
  default_backend sluices

backend sluices
  balance roundrobin
  option httpchk
  http-check send meth GET uri /readyz ver HTTP/1.1 hdr Host localhost
  http-check expect status 200
  default-server inter 200ms fall 2 rise 2
${servers.map(({ name, port: at }) => `  server ${name} 127.0.0.1:${at} check`).join('\n')}
`
}

let database: Awaited<ReturnType<typeof freshDatabase>>
let db: Sql
let dir: string
let haproxy: ChildProcess | undefined
let haproxyOutput = ''
const instances: ServerProcess[] = []
let lb: string
const ports: number[] = []

// The start line is how startServerProcess knows a server listens, so the log stays on.
const env = (port: number) => ({ DATABASE_URL: database.url, PORT: String(port), SLUICE_WORKERS: '1', SLUICE_ADMISSION: 'off' })

beforeAll(async () => {
  expect(existsSync(HAPROXY), `${HAPROXY} is missing: apt-get install haproxy (.ci/run does)`).toBe(true)
  database = await freshDatabase()
  db = createSql(database.url, { max: 2 })
  dir = mkdtempSync(path.join(tmpdir(), 'sluice-haproxy-'))
  ports.push(await freePort(), await freePort())
  for (const port of ports) instances.push(await startServerProcess(env(port)))
  const lbPort = await freePort()
  const config = path.join(dir, 'haproxy.cfg')
  writeFileSync(config, haproxyConfig(lbPort, ports.map((port, i) => ({ name: `sluice${i}`, port }))))
  haproxy = spawn(HAPROXY, ['-f', config, '-db'], { stdio: ['ignore', 'pipe', 'pipe'] })
  haproxy.stdout!.on('data', (chunk: Buffer) => (haproxyOutput += chunk.toString()))
  haproxy.stderr!.on('data', (chunk: Buffer) => (haproxyOutput += chunk.toString()))
  lb = `http://127.0.0.1:${lbPort}`
  // Both servers up behind it: answers from two instances.
  const seen = new Set<string>()
  await eventually(async () => {
    const answer = await fresh(lb, 'GET', '/livez').catch(() => undefined)
    if (answer?.status === 200 && answer.instance) seen.add(answer.instance)
    return seen.size === 2
  }, 20_000, `HAProxy to reach both instances:\n${haproxyOutput}`)
}, 90_000)

afterAll(async () => {
  if (haproxy?.pid !== undefined && isRunning(haproxy.pid)) haproxy.kill('SIGKILL')
  for (const instance of instances) await instance.kill()
  await db?.end({ timeout: 1 })
  await database?.drop()
  if (dir) rmSync(dir, { recursive: true, force: true })
})

it('keeps serving through HAProxy when one instance is SIGKILLed mid-load, loses no committed event, and takes the instance back; the fleet view shows it gone, then back', async () => {
  // The survivor's own stream: the fleet as one instance sees it.
  const stream = await SseClient.open(instances[1]!.url)
  try {
    const killed = instances[0]!.child.pid!
    const state = (s: { instances?: ReadonlyArray<{ pid: number; lifecycle: string }> }, pid: number) => s.instances?.find((i) => i.pid === pid)?.lifecycle
    const load = runLoad(lb, { workers: 4, eventsPerRequest: EVENTS_PER_REQUEST, maxRequests: 1_500, tag: 'haproxy', ids: true, query: '?wait=commit' })
    try {
      await eventually(() => load.tally.ackedRequests.length >= 100, 30_000, '100 committed requests before the kill')
      await instances[0]!.kill()
      const atKill = load.tally.ackedRequests.length
      // The other instance carries on: answers keep coming through HAProxy after the kill.
      await eventually(() => load.tally.ackedRequests.length >= atKill + 100, 30_000, '100 more committed requests after the kill')
      await stream.snapshotWhere((s) => state(s, killed) === 'gone', 20_000, 'the killed instance gone in the survivor\'s fleet view')
    } finally {
      await load.stop()
    }
    const { tally } = load
    expect(tally.statuses.get(200)).toBe(tally.ackedRequests.length)

    // Every 200 under ?wait=commit is in the table, counted by the events' ids.
    const ids = tally.ackedRequests.flatMap((n) => Array.from({ length: EVENTS_PER_REQUEST }, (_, i) => `haproxy-${n}-${i}`))
    const [{ n }] = (await db`select count(*)::int as n from events where event_id in (select json_array_elements_text(${JSON.stringify(ids)}::text::json))`) as unknown as [{ n: number }]
    expect(n).toBe(ids.length)

    // Restarted on its port, it is back behind HAProxy once its health check passes.
    const again = await startServerProcess(env(ports[0]!))
    instances[0] = again
    await ready(again.url)
    const restarted = again.child.pid!
    await eventually(async () => pidOf((await fresh(lb, 'GET', '/livez').catch(() => undefined))?.instance) === restarted, 20_000, 'HAProxy to send requests to the restarted instance')
    const committed = await fresh(lb, 'POST', '/v1/events?wait=commit', { id: 'haproxy-after-restart', type: 'check' })
    expect(committed.status).toBe(200)
    // Back in the view: the restarted process serving (a new pid: a new instance), the killed one still listed as gone.
    const back = await stream.snapshotWhere((s) => state(s, restarted) === 'serving', 20_000, 'the restarted instance serving in the fleet view')
    expect(state(back, killed)).toBe('gone')
  } finally {
    stream.close()
  }
}, 120_000)
