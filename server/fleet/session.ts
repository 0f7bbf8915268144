import type { Sql } from '../db/client.ts'

// Advisory lock keys, next to the migrations' 0x511ce0 (server/db/schema.ts).
const MEMBERS_KEY = 0x51_1c_e1
const BURST_KEY = 0x51_1c_e2

/**
 * This process's place in the fleet, held as session advisory locks on one reserved
 * connection, so a process that dies (even by SIGKILL) lets go of them when PostgreSQL
 * sees its connection close:
 *
 * - every member holds MEMBERS_KEY shared; the one that finds no other member (it gets
 *   it exclusive first) is starting a fresh fleet and clears what the last one left;
 * - the instance running a burst holds BURST_KEY: one burst fleet-wide.
 *
 * Session locks need a session: behind PgBouncer in transaction mode this connection
 * must bypass it (SLUICE_FLEET_DATABASE_URL).
 */
export interface FleetSession {
  /** Takes the fleet's one burst slot; false when another instance holds it. */
  tryBurstLock(): Promise<boolean>
  releaseBurstLock(): Promise<void>
  /** Lets go of every lock (the connection goes back to `sql`, which the caller ends). */
  close(): Promise<void>
}

/**
 * Joins the fleet. When no other member holds on, `fresh` runs before anyone else can
 * join, so a fleet that stopped entirely starts from its environment, as one process does.
 */
export async function joinFleet(sql: Sql, fresh: () => Promise<void>): Promise<FleetSession> {
  // postgres.js 3.4.9's reserve() on a pool with no connection open yet never settles (it
  // hands the reservation to the new connection as if it were a query): open one first.
  await sql`select 1`
  const session = await sql.reserve()
  try {
    const [{ alone }] = (await session`select pg_try_advisory_lock(${MEMBERS_KEY}) as alone`) as unknown as [{ alone: boolean }]
    if (alone) {
      try {
        await fresh()
      } finally {
        await session`select pg_advisory_lock_shared(${MEMBERS_KEY})`
        await session`select pg_advisory_unlock(${MEMBERS_KEY})`
      }
    } else {
      // Waits while a first member is still clearing.
      await session`select pg_advisory_lock_shared(${MEMBERS_KEY})`
    }
  } catch (error) {
    session.release()
    throw error
  }
  let closed = false
  return {
    async tryBurstLock() {
      const [{ got }] = (await session`select pg_try_advisory_lock(${BURST_KEY}) as got`) as unknown as [{ got: boolean }]
      return got
    },
    async releaseBurstLock() {
      await session`select pg_advisory_unlock(${BURST_KEY})`
    },
    async close() {
      if (closed) return
      closed = true
      await session`select pg_advisory_unlock_all()`.catch(() => {})
      session.release()
    },
  }
}
