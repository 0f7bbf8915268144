import type { Sql } from '../db/client.ts'

// Advisory lock keys, next to the migrations' 0x511ce0 (server/db/schema.ts).
const MEMBERS_KEY = 0x51_1c_e1
const BURST_KEY = 0x51_1c_e2

/**
 * This process's place in the fleet, held as session advisory locks on a connection of
 * its own, so a process that dies (even by SIGKILL) lets go of them when PostgreSQL sees
 * its connection close:
 *
 * - every member holds MEMBERS_KEY shared; the one that finds no other member (it gets
 *   it exclusive first) is starting a fresh fleet and clears what the last one left;
 * - the instance running a burst holds BURST_KEY: one burst fleet-wide.
 *
 * A pool of one connection rather than postgres.js's reserve(): a reserved connection
 * that the server closed (a database restart) is written to without a socket and throws
 * out of a timer (postgres.js 3.4.9), where a pool connects again. A reconnected session
 * has lost its locks: `renew` takes the membership back; a burst running then keeps
 * running, but another instance could start one.
 *
 * Session locks need a session: behind PgBouncer in transaction mode this connection
 * must bypass it (SLUICE_FLEET_DATABASE_URL).
 */
export interface FleetSession {
  /** Takes the membership back if a reconnect lost it; cheap when it did not. */
  renew(): Promise<void>
  /** Takes the fleet's one burst slot; false when another instance holds it. */
  tryBurstLock(): Promise<boolean>
  releaseBurstLock(): Promise<void>
  /** Closes the connection, which lets go of every lock. Safe to call twice. */
  close(): Promise<void>
}

/**
 * Joins the fleet through `session`, a pool of one connection that is this process's
 * alone. When no other member holds on, `fresh` runs before anyone else can join, so a
 * fleet that stopped entirely starts from its environment, as one process does.
 */
export async function joinFleet(session: Sql, fresh: () => Promise<void>): Promise<FleetSession> {
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
  let closing: Promise<void> | undefined
  return {
    async renew() {
      await session`
        select pg_advisory_lock_shared(${MEMBERS_KEY})
        where not exists (select 1 from pg_locks where locktype = 'advisory' and pid = pg_backend_pid()
                          and classid = 0 and objid = ${MEMBERS_KEY} and mode = 'ShareLock')`
    },
    async tryBurstLock() {
      const [{ got }] = (await session`select pg_try_advisory_lock(${BURST_KEY}) as got`) as unknown as [{ got: boolean }]
      return got
    },
    async releaseBurstLock() {
      await session`select pg_advisory_unlock(${BURST_KEY})`
    },
    close: () => (closing ??= session.end({ timeout: 1 })),
  }
}
