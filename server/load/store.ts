import type { BurstRecord, BurstSeriesPoint, BurstSpec, BurstSummary } from '../../shared/bursts.ts'
import type { Sql } from '../db/client.ts'

const json = (value: unknown) => JSON.stringify(value)

/** Burst runs in PostgreSQL (table `bursts`), so the history outlives the process. */
export class BurstStore {
  readonly #sql: Sql

  constructor(sql: Sql) {
    this.#sql = sql
  }

  /** Runs left `running` by a process that died are not running any more. */
  async markInterrupted(): Promise<void> {
    await this.#sql`
      update bursts set status = 'failed',
        summary = summary || jsonb_build_object('status', 'failed', 'error', 'the server stopped while it ran')
      where status = 'running'`
  }

  async insert(spec: BurstSpec, summary: BurstSummary): Promise<void> {
    // Bound as text and cast: a string bound to jsonb would be stored as a JSON string (postgres.js 3.4 does this).
    await this.#sql`
      insert into bursts (id, name, status, started_at, spec, summary)
      values (${summary.id}, ${summary.name}, ${summary.status}, to_timestamp(${summary.startedAt / 1000}),
              ${json(spec)}::text::jsonb, ${json(summary)}::text::jsonb)`
  }

  async finish(summary: BurstSummary, series: readonly BurstSeriesPoint[]): Promise<void> {
    await this.#sql`
      update bursts set status = ${summary.status}, ended_at = to_timestamp(${(summary.endedAt ?? Date.now()) / 1000}),
        summary = ${json(summary)}::text::jsonb, series = ${json(series)}::text::jsonb
      where id = ${summary.id}`
  }

  /** The newest run marked running, by whichever instance. */
  async runningId(): Promise<string | undefined> {
    const [row] = await this.#sql`select id from bursts where status = 'running' order by started_at desc limit 1`
    return row?.id as string | undefined
  }

  /** Newest first. */
  async list(limit: number): Promise<BurstSummary[]> {
    const rows = await this.#sql`select summary from bursts order by started_at desc, id limit ${limit}`
    return rows.map((row) => row.summary as BurstSummary)
  }

  async get(id: string): Promise<BurstRecord | undefined> {
    const [row] = await this.#sql`select id, spec, summary, series from bursts where id = ${id}`
    return row ? { id: row.id as string, spec: row.spec as BurstSpec, summary: row.summary as BurstSummary, series: row.series as BurstSeriesPoint[] } : undefined
  }
}
