import { afterAll, describe, expect, test } from 'vitest'
import type { InstanceSnapshot, MetricsSnapshot } from '../shared/metrics.ts'
import { createSql } from '../server/db/client.ts'
import { startSluice, type Sluice } from '../server/sluice.ts'
import { parseExposition, valueOf } from './support/exposition.ts'
import { postEvents } from './support/post.ts'
import { startServerProcess, type ServerProcess } from './support/process.ts'
import { SseClient } from './support/sse.ts'
import { eventually, freshDatabase, testConfig } from './support/sluice.ts'

const cleanups: Array<() => Promise<unknown> | unknown> = []
afterAll(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup()
})

const EVENTS_PER_REQUEST = 10
/** Requests sent to each instance: different counts, so a total that missed one would show. */
const REQUESTS = { a: 3, b: 5, c: 2 } as const
const TOTAL_EVENTS = (REQUESTS.a + REQUESTS.b + REQUESTS.c) * EVENTS_PER_REQUEST

const instance = (s: MetricsSnapshot, id: string): InstanceSnapshot | undefined => s.instances.find((i) => i.id === id)
const state = (s: MetricsSnapshot, id: string) => instance(s, id)?.lifecycle

async function send(url: string, requests: number, tag: string): Promise<void> {
  for (let r = 0; r < requests; r++) {
    const events = Array.from({ length: EVENTS_PER_REQUEST }, (_, i) => ({ type: 'fleet', tag, r, i }))
    const posted = await postEvents(url, JSON.stringify(events), { 'content-type': 'application/json' }, '?wait=commit')
    expect(posted.status).toBe(200)
  }
}

async function committedOf(url: string): Promise<{ committed: number; instance: string | undefined }> {
  const families = parseExposition(await (await fetch(`${url}/metrics`)).text())
  const committed = valueOf(families, 'sluice_events_committed_total')
  return { committed, instance: families.get('sluice_events_committed_total')!.samples[0]!.labels.instance }
}

describe('instances on one database', () => {
  test('see each other in one stream; its totals are the sum over instances and the rows in the table, never go back, and keep a stopped and a killed instance counted once they are gone', async () => {
    const database = await freshDatabase()
    cleanups.push(() => database.drop())
    const db = createSql(database.url, { max: 1 })
    cleanups.push(() => db.end({ timeout: 1 }))
    const a: Sluice = await startSluice(testConfig(database.url, { instance: 'a' }))
    cleanups.push(() => a.close())
    const b: Sluice = await startSluice(testConfig(database.url, { instance: 'b' }))
    cleanups.push(() => b.close())
    // A process of its own, so that it can die without a word (SIGKILL).
    const c: ServerProcess = await startServerProcess({ DATABASE_URL: database.url, SLUICE_INSTANCE: 'c', SLUICE_ADMISSION: 'off' })
    cleanups.push(() => c.kill())
    const stream = await SseClient.open(a.url)
    cleanups.push(() => stream.close())

    const all = await stream.snapshotWhere((s) => ['a', 'b', 'c'].every((id) => state(s, id) === 'serving'), 30_000, 'a, b and c serving in a\'s stream')
    expect(all.instances[0]!.id).toBe('a')
    expect(instance(all, 'c')!.pid).toBe(c.child.pid)
    // Gauges are the fleet's: three queues of the default capacity.
    expect(all.queue.capacityEvents).toBe(3 * a.config.queueMaxEvents)

    await send(a.url, REQUESTS.a, 'a')
    await send(b.url, REQUESTS.b, 'b')
    await send(c.url, REQUESTS.c, 'c')
    const counted = await stream.snapshotWhere((s) => s.total.eventsCommitted === TOTAL_EVENTS && s.total.requestsAccepted === TOTAL_EVENTS / EVENTS_PER_REQUEST, 20_000, 'every committed event in the fleet totals')
    expect(counted.total.eventsAccepted).toBe(TOTAL_EVENTS)

    // The sum over instances, each by its own count (c's from its own /metrics, labelled with its name).
    const fromC = await committedOf(c.url)
    expect(fromC).toEqual({ committed: REQUESTS.c * EVENTS_PER_REQUEST, instance: 'c' })
    expect(a.pipeline.stats.eventsCommitted + b.pipeline.stats.eventsCommitted + fromC.committed).toBe(TOTAL_EVENTS)
    const [rows] = await db<Array<{ n: number }>>`select count(*)::int as n from events`
    expect(rows!.n).toBe(TOTAL_EVENTS)
    expect((await committedOf(a.url)).instance).toBe('a')

    // Killed: no last word, so gone once its heartbeat is three seconds old.
    await c.kill()
    const killed = await stream.snapshotWhere((s) => state(s, 'c') === 'gone', 20_000, 'c gone after SIGKILL')
    expect(killed.total.eventsCommitted).toBe(TOTAL_EVENTS)
    expect(killed.queue.capacityEvents).toBe(2 * a.config.queueMaxEvents)

    // Stopped cleanly: it says so itself.
    await b.close()
    const stopped = await stream.snapshotWhere((s) => state(s, 'b') === 'gone', 20_000, 'b gone after a clean stop')
    expect(stopped.total.eventsCommitted).toBe(TOTAL_EVENTS)
    expect(state(stopped, 'a')).toBe('serving')
    await stream.nextMetrics(4)

    // Across every snapshot a received: the totals never went back.
    const snapshots = stream.metrics()
    for (let i = 1; i < snapshots.length; i++) {
      for (const key of ['eventsAccepted', 'eventsCommitted', 'requestsAccepted'] as const) {
        expect(snapshots[i]!.total[key], `${key} at snapshot ${i}`).toBeGreaterThanOrEqual(snapshots[i - 1]!.total[key])
      }
    }
    expect(snapshots.at(-1)!.total.eventsCommitted).toBe(TOTAL_EVENTS)
    await eventually(async () => (await db`select count(*)::int as n from sluice_instances`)[0]!.n === 3, 5_000, 'three rows in sluice_instances')
  })
})
