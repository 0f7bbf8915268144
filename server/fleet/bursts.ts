import type { BurstProgress } from '../../shared/bursts.ts'
import type { Sql } from '../db/client.ts'
import type { FleetChannel } from './channel.ts'
import type { FleetSession } from './session.ts'

/** What the burst manager asks of the fleet: one burst at a time across it, and stopping a run wherever it runs. */
export interface BurstFleet {
  /** Takes the fleet's one burst slot; false when another instance holds it. */
  tryAcquire(): Promise<boolean>
  release(): Promise<void>
  /** Asks whichever instance runs burst `id` to stop it (by message, and in its row for one that missed the message). */
  requestStop(id: string): Promise<void>
}

/** The side of the burst manager the fleet drives: a stop asked for elsewhere, and progress to pass on. */
export interface BurstRunner {
  /** The burst running on this instance, if any. */
  readonly running: string | undefined
  /** Stops burst `id` if this instance runs it; never asks the fleet. */
  stopHere(id: string): Promise<unknown>
  onProgress(listener: (progress: BurstProgress) => void): () => void
}

export function burstFleet(session: FleetSession, sql: Sql, channel: FleetChannel): BurstFleet {
  return {
    tryAcquire: () => session.tryBurstLock(),
    release: () => session.releaseBurstLock(),
    async requestStop(id) {
      await sql`update bursts set stop_requested = true where id = ${id} and status = 'running'`
      await channel.send({ type: 'burst-stop', id })
    },
  }
}

/** Whether someone asked to stop burst `id` (read on the poll, for a stop message this instance missed). */
export async function stopRequested(sql: Sql, id: string): Promise<boolean> {
  const [row] = await sql<Array<{ stop: boolean }>>`select stop_requested as stop from bursts where id = ${id}`
  return row?.stop === true
}
