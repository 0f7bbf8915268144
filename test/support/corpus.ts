import { postEvents } from './post.ts'
import type { TestSluice } from './sluice.ts'

/**
 * Rows stored for one corpus case, after a committed marker request: anything a refused
 * request had slipped into the queue would have been written by then.
 */
export async function rowsFor(sluice: TestSluice, tag: string): Promise<number> {
  const marker = await postEvents(sluice.url, '{"tag":"marker"}', { 'content-type': 'application/json' }, '?wait=commit')
  if (marker.status !== 200) throw new Error(`marker request answered ${marker.status}`)
  const [row] = await sluice.db`select count(*)::int as n from events where payload->>'tag' = ${tag}`
  return row!.n as number
}

/** The stored payloads of one case, as text exactly as PostgreSQL keeps it, in arrival order. */
export async function payloadsOf(sluice: TestSluice, tag: string): Promise<string[]> {
  const rows = await sluice.db`select payload::text as text from events where payload->>'tag' = ${tag} order by seq`
  return rows.map((row) => row.text as string)
}

/** Every stored payload casts to jsonb: the query the README promises always works. */
export async function jsonbCastCount(sluice: TestSluice): Promise<number> {
  const [row] = await sluice.db`select count(payload::jsonb)::int as n from events`
  return row!.n as number
}
