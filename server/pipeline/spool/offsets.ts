import type { Sql } from '../../db/client.ts'

/**
 * What a batch's transaction records beside its rows, so that a restart replays exactly
 * what was not committed. `through` is set when the batch continues the committed prefix
 * (every seq up to it is then committed); otherwise the batch was written ahead of an
 * earlier one still in flight, and its own stretch is recorded instead.
 */
export interface CommitMark {
  readonly instance: string
  readonly first: number
  readonly last: number
  readonly through: number | undefined
}

/**
 * One statement in the batch's transaction. Moving the prefix forward also forgets the
 * stretches it now covers; `greatest` keeps it from going back should a retried
 * transaction ever commit late.
 */
export async function recordMark(tx: Sql, { instance, first, last, through }: CommitMark): Promise<void> {
  if (through !== undefined) {
    await tx`
      with covered as (delete from spool_ranges where instance = ${instance} and last_seq <= ${String(through)}::bigint)
      insert into spool_offsets (instance, seq) values (${instance}, ${String(through)}::bigint)
      on conflict (instance) do update set seq = greatest(spool_offsets.seq, excluded.seq)`
  } else {
    await tx`
      insert into spool_ranges (instance, first_seq, last_seq)
      values (${instance}, ${String(first)}::bigint, ${String(last)}::bigint)
      on conflict do nothing`
  }
}

/** What the database says this spool has committed: the prefix and the stretches above it. */
export async function loadCommitted(sql: Sql, instance: string): Promise<{ through: number; ranges: Array<[number, number]> }> {
  const [offset] = await sql`select seq::text from spool_offsets where instance = ${instance}`
  const through = offset ? Number(offset.seq) : 0
  const rows = await sql`
    select first_seq::text, last_seq::text from spool_ranges
    where instance = ${instance} and last_seq > ${String(through)}::bigint order by first_seq`
  return { through, ranges: rows.map((row) => [Number(row.first_seq), Number(row.last_seq)] as [number, number]) }
}
