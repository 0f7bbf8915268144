import type { HttpBindings } from '@hono/node-server'
import type { Context } from 'hono'
import type { Sql } from '../db/client.ts'

/**
 * GET /api/events/count: `{ "events": n }`, the rows in `events` now, counted exactly.
 * What the crash lesson compares with a run's 202s; a full count reads the whole table
 * (about 0.1 s per million rows here), so it is for a person asking, not for polling.
 */
export function eventsCountHandler(sql: Sql) {
  return async function countEvents(c: Context<{ Bindings: HttpBindings }>): Promise<Response> {
    const [row] = await sql`select count(*)::bigint as n from events`
    return c.json({ events: Number(row!.n) })
  }
}
