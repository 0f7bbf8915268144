import type { Sql } from '../db/client.ts'
import type { Beat } from './beat.ts'
import type { PeerRow } from './merge.ts'

/** Rows not written for this long are deleted: far past GONE_SHOWN_MS, so no view still shows them. */
const ROW_TTL_SECONDS = 600
/** One beat in this many also deletes expired rows: a minute apart, one instance's delete is enough. */
const SWEEP_EVERY_BEATS = 60

/**
 * The instance registry: a table in the database every instance already shares, one row
 * per instance, upserted with its heartbeat and read back with everyone else's in the
 * same statement (one round trip a second).
 *
 * Why a table and not LISTEN/NOTIFY: a newcomer reads every live instance at its first
 * beat instead of waiting for each to speak; a dead instance needs a timeout either way;
 * a beat (~2 KB) is far from NOTIFY's 8000-byte cap but one with many flushes is not; and
 * LISTEN needs a session of its own, which PgBouncer in transaction mode does not give,
 * while a plain statement works through any pooler. Ages are computed by the database's
 * clock, so instances on machines whose clocks differ still agree on who is gone.
 */
export function instanceRegistry(sql: Sql, id: string) {
  let beats = 0
  return {
    /** Writes this instance's beat and returns every other row written in the last 10 minutes. */
    async beat(beat: Beat): Promise<PeerRow[]> {
      if (++beats % SWEEP_EVERY_BEATS === 0) await sql`delete from sluice_instances where seen_at < now() - make_interval(secs => ${ROW_TTL_SECONDS})`
      // Sent as text: a parameter the server types as json is JSON-encoded again by postgres.js (a string in a string).
      const rows = await sql<Array<{ id: string; snapshot: string; age_ms: number }>>`
        with up as (
          insert into sluice_instances (id, seen_at, snapshot) values (${id}, now(), ${JSON.stringify(beat)}::text::json)
          on conflict (id) do update set seen_at = excluded.seen_at, snapshot = excluded.snapshot
        )
        select id, snapshot::text as snapshot, (extract(epoch from now() - seen_at) * 1000)::float8 as age_ms
        from sluice_instances
        where id <> ${id} and seen_at > now() - make_interval(secs => ${ROW_TTL_SECONDS})`
      const peers: PeerRow[] = []
      for (const row of rows) {
        const beat = parseBeat(row.snapshot)
        if (beat) peers.push({ id: row.id, ageMs: Math.max(0, Number(row.age_ms)), beat })
      }
      return peers
    },
  }
}

/** A row another build (or a hand) wrote wrong is left out rather than breaking every tick. */
function parseBeat(text: string): Beat | undefined {
  try {
    const beat = JSON.parse(text) as Beat
    return typeof beat === 'object' && beat !== null && typeof beat.total === 'object' && typeof beat.beat === 'number' && typeof beat.pid === 'number' ? beat : undefined
  } catch {
    return undefined
  }
}

export type InstanceRegistry = ReturnType<typeof instanceRegistry>
