/**
 * `node --import tsx bench/fleet-idle.ts`: what the fleet heartbeat costs an idle
 * instance. Starts two instances on one embedded PostgreSQL and reads, with
 * process.cpuUsage: the whole process over 30 s at idle (both instances: ticks, beats,
 * merges), then the beat alone (one upsert-and-read statement plus merging the rows)
 * and the merge alone (once per tick), each over many calls. Prints figures; asserts nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { loadConfig } from '../server/config.ts'
import { beatBuilder } from '../server/fleet/beat.ts'
import { FleetView } from '../server/fleet/merge.ts'
import { instanceRegistry } from '../server/fleet/registry.ts'
import { startSluice } from '../server/sluice.ts'

const IDLE_MS = 30_000
const BEATS = 200
const MERGES = 2_000

const cpuMs = (since: NodeJS.CpuUsage) => {
  const used = process.cpuUsage(since)
  return (used.user + used.system) / 1000
}

const dataDir = mkdtempSync(path.join(tmpdir(), 'sluice-fleet-idle-'))
const a = await startSluice(loadConfig({}, { port: 0, logLevel: 'silent', dataDir, instance: 'a', admission: 'off' }))
const b = await startSluice(loadConfig({}, { port: 0, logLevel: 'silent', databaseUrl: a.embedded!.url, instance: 'b', admission: 'off' }))
try {
  await new Promise((resolve) => setTimeout(resolve, 3_000))
  let since = process.cpuUsage()
  await new Promise((resolve) => setTimeout(resolve, IDLE_MS))
  const idle = cpuMs(since)
  console.log(`idle, two instances in one process: ${(idle / (IDLE_MS / 1000)).toFixed(2)} ms CPU per second (${(idle / IDLE_MS * 100).toFixed(2)} % of a core)`)

  const local = a.telemetry.sampler.latest!
  console.log(`a snapshot with ${local.instances.length} instances: ${JSON.stringify(local).length} bytes, of which each instance's entry about ${JSON.stringify(local.instances[0]).length}`)
  const builder = beatBuilder(a.telemetry.metrics.requestLog.counts, Date.now())
  const registry = instanceRegistry(a.sql, 'probe')
  const view = new FleetView({ id: 'probe', pid: process.pid })
  builder.add(local)
  since = process.cpuUsage()
  for (let i = 0; i < BEATS; i++) {
    builder.add(local)
    view.observe(await registry.beat(builder.take()!))
  }
  const beat = cpuMs(since) / BEATS
  console.log(`one beat (upsert and read 2 rows, merge them in): ${beat.toFixed(3)} ms CPU`)

  // The alternative: the same beat as a NOTIFY (a reader would need a LISTEN session of its own).
  const payload = JSON.stringify(builder.take())
  let started = performance.now()
  since = process.cpuUsage()
  for (let i = 0; i < BEATS; i++) await a.sql`select pg_notify('sluice_fleet_probe', ${payload})`
  const notify = { cpu: cpuMs(since) / BEATS, wall: (performance.now() - started) / BEATS }
  started = performance.now()
  for (let i = 0; i < BEATS; i++) await registry.beat(builder.take() ?? JSON.parse(payload))
  const upsertWall = (performance.now() - started) / BEATS
  console.log(`beat payload ${payload.length} bytes; NOTIFY: ${notify.cpu.toFixed(3)} ms CPU, ${notify.wall.toFixed(2)} ms round trip; upsert and read: ${upsertWall.toFixed(2)} ms round trip`)

  since = process.cpuUsage()
  for (let i = 0; i < MERGES; i++) view.merge(local, a.telemetry.metrics.requestLog.counts)
  const merge = cpuMs(since) / MERGES
  console.log(`one merge of a tick with 2 peers: ${merge.toFixed(3)} ms CPU`)
  console.log(`so the fleet costs an instance ${(beat + merge * (1000 / a.config.tickMs)).toFixed(2)} ms CPU per second at idle`)
} finally {
  await b.close()
  await a.close()
  rmSync(dataDir, { recursive: true, force: true })
}
