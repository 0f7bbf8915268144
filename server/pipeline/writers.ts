import { finished } from 'node:stream/promises'
import type { WriterStrategy } from '../../shared/ingest.ts'
import type { Sql } from '../db/client.ts'
import { recordMark, type CommitMark } from './spool/offsets.ts'
import type { CopyRows } from './copy-text.ts'
import type { IngestEvent } from './event.ts'

/**
 * Writes one batch atomically: all rows commit or none does. With the spool, `mark`
 * commits in the same transaction, so a replay never writes the batch twice.
 */
export type WriteBatch = (sql: Sql, rows: CopyRows, latencyMs: number, mark?: CommitMark) => Promise<void>

const UNIQUE_VIOLATION = '23505'
// PostgreSQL binds at most 65535 parameters per statement; 4 per row.
const INSERT_ROWS_PER_STATEMENT = 10_000

/**
 * The whole batch goes out as one CopyData message and CopyDone: a batch is at most a
 * few MB, and every extra write would wait for its own event-loop turn, which under
 * load is what a flush spends most of its time on.
 */
async function copyRows(sql: Sql, rows: CopyRows): Promise<void> {
  const stream = await sql`copy events (event_id, type, ts, payload) from stdin`.writable()
  stream.end(rows.text)
  await finished(stream)
}

async function insertRows(sql: Sql, events: readonly IngestEvent[]): Promise<void> {
  for (let start = 0; start < events.length; start += INSERT_ROWS_PER_STATEMENT) {
    const values: string[] = []
    const params: Array<string | null> = []
    for (const event of events.slice(start, start + INSERT_ROWS_PER_STATEMENT)) {
      const n = params.length
      values.push(`($${n + 1}::text,$${n + 2}::text,$${n + 3}::text::timestamptz,$${n + 4}::text::json)`)
      params.push(event.id, event.type, event.ts, event.raw)
    }
    await sql.unsafe(
      `insert into events (event_id, type, ts, payload) values ${values.join(',')} on conflict do nothing`,
      params,
      { prepare: false },
    )
  }
}

/**
 * Runs `write` alone when it is one statement, or in a transaction when it is several,
 * when an injected delay (`pg_sleep`, a slow database on purpose) must precede it, or
 * when the spool's mark must commit with it. Without the spool it stays one statement.
 */
async function atomically(sql: Sql, latencyMs: number, alone: boolean, write: (sql: Sql) => Promise<void>, mark: CommitMark | undefined): Promise<void> {
  if (latencyMs <= 0 && alone && !mark) return write(sql)
  await sql.begin(async (tx) => {
    if (latencyMs > 0) await tx`select pg_sleep(${latencyMs / 1000})`
    await write(tx as unknown as Sql)
    if (mark) await recordMark(tx as unknown as Sql, mark)
  })
}

/**
 * Multi-row INSERT ... ON CONFLICT DO NOTHING: duplicates by id are skipped. `direct`
 * calls it with a request's events as parsed; a queued batch reads them back from its rows.
 */
export const insertEvents = (sql: Sql, events: readonly IngestEvent[], latencyMs: number, mark?: CommitMark) =>
  atomically(sql, latencyMs, events.length <= INSERT_ROWS_PER_STATEMENT, (db) => insertRows(db, events), mark)

export const insertBatch: WriteBatch = (sql, rows, latencyMs, mark) => insertEvents(sql, rows.events(), latencyMs, mark)

/**
 * COPY FROM STDIN, the fastest path. COPY cannot skip duplicates, so a batch that
 * hits a duplicate id (a client retry) is redone as INSERT ... ON CONFLICT DO NOTHING:
 * the unique index costs nothing for events without an id, and retries are rare.
 */
export const copyBatch: WriteBatch = async (sql, rows, latencyMs, mark) => {
  try {
    await atomically(sql, latencyMs, true, (db) => copyRows(db, rows), mark)
  } catch (error) {
    if ((error as { code?: string }).code !== UNIQUE_VIOLATION) throw error
    await insertBatch(sql, rows, 0, mark)
  }
}

/**
 * What each writer strategy means, decided here only: whether requests go through the
 * queue, and how a batch is written. `direct` has no queue (each request goes to
 * insertEvents); events queued before a switch to it are written the way it writes, by INSERT.
 */
const WRITE_PATHS: Record<WriterStrategy, { readonly queued: boolean; readonly write: WriteBatch }> = {
  copy: { queued: true, write: copyBatch },
  batch: { queued: true, write: insertBatch },
  direct: { queued: false, write: insertBatch },
}

export const writePath = (strategy: WriterStrategy) => WRITE_PATHS[strategy]

/** Keeps an event the database refused as data, with why; with the spool, marked as done. */
export async function deadLetter(sql: Sql, event: IngestEvent, detail: string, mark: CommitMark | undefined): Promise<void> {
  await atomically(sql, 0, true, async (db) => { await db`insert into events_dead_letter (error, raw) values (${detail}, ${event.raw})` }, mark)
}

/** The spool's mark alone: an event that could be kept nowhere is done with all the same. */
export const markOnly = (sql: Sql, mark: CommitMark) => atomically(sql, 0, true, async () => {}, mark)
