import type { Sql } from '../db/client.ts'
import type { Telemetry } from '../metrics/telemetry.ts'
import { beatBuilder } from './beat.ts'
import { FleetView } from './merge.ts'
import { instanceRegistry } from './registry.ts'

/**
 * Once a second: one statement that upserts this instance's row and reads the others.
 * Measured (bench/fleet-idle.ts: two idle instances on one embedded PostgreSQL, `nice -n
 * 19`, process.cpuUsage, load average 10 on 2 cores): a beat costs 1.3–1.5 ms of CPU and a
 * merge 0.19–0.23 ms a tick, so 2.2 ms a second, 0.2 % of a core, beside the 31 ms a second an
 * idle instance spends on its own ticks and loop probe (62 ms for the two over 30 s).
 */
export const HEARTBEAT_MS = 1_000
/** A stop waits this long for its last beat (final counts, "gone"): with the database away it must not hold up the exit; its row then ages out, gone in 3 s. */
const LAST_BEAT_TIMEOUT_MS = 3_000

export interface Heartbeat {
  readonly id: string
  /** Writes a last beat that says this instance is gone, with its final counts, and stops beating. Safe to call twice. */
  close(): Promise<void>
}

/**
 * Makes this instance one of the fleet: it beats into `sluice_instances`, reads everyone
 * else's beats, and from then on the stream publishes the fleet's snapshot instead of
 * this process's own (server/fleet/merge.ts).
 */
export function startHeartbeat({ sql, id, telemetry, log }: { sql: Sql; id: string; telemetry: Telemetry; log: (line: string) => void }): Heartbeat {
  const registry = instanceRegistry(sql, id)
  const builder = beatBuilder(telemetry.metrics.requestLog.counts, telemetry.startedAt)
  const view = new FleetView({ id, pid: process.pid })
  let mergeFailed = false
  telemetry.sampler.setView((local) => {
    builder.add(local)
    try {
      return view.merge(local, telemetry.metrics.requestLog.counts)
    } catch (error) {
      // Other instances' rows are foreign input: a bad one must not stop this stream.
      if (!mergeFailed) log(`fleet: merging the other instances failed, showing this one alone: ${(error as Error).stack ?? error}`)
      mergeFailed = true
      return local
    }
  })

  let beating: Promise<void> | undefined
  let failing = false
  const beat = async () => {
    const payload = builder.take()
    if (!payload) return
    try {
      view.observe(await registry.beat(payload))
      if (failing) log('fleet heartbeat written again')
      failing = false
    } catch (error) {
      // The database being away is the writer's news; say it once, keep beating.
      if (!failing) log(`fleet heartbeat failed: ${(error as Error).message}`)
      failing = true
    }
  }
  const timer = setInterval(() => {
    // A beat slower than a second (a database stall) is not stacked behind another.
    beating ??= beat().finally(() => (beating = undefined))
  }, HEARTBEAT_MS)
  timer.unref()

  let closing: Promise<void> | undefined
  return {
    id,
    close: () =>
      (closing ??= (async () => {
        clearInterval(timer)
        let timeout: NodeJS.Timeout | undefined
        const deadline = new Promise<void>((resolve) => (timeout = setTimeout(resolve, LAST_BEAT_TIMEOUT_MS)))
        const last = async () => {
          await beating
          const payload = builder.take('gone')
          if (payload) await registry.beat(payload)
        }
        await Promise.race([last().catch((error: Error) => log(`fleet: could not mark this instance gone: ${error.message}`)), deadline])
        clearTimeout(timeout)
      })()),
  }
}
