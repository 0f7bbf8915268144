/**
 * The one PostgreSQL of a bench run: DATABASE_URL when set, else an embedded one under
 * `.sluice-bench`. The harness owns the schema and the row counts; servers only write.
 */
import { setTimeout as sleep } from 'node:timers/promises'
import { createSql, type Sql } from '../server/db/client.ts'
import { startEmbedded, type EmbeddedDatabase } from '../server/db/embedded.ts'
import { migrate } from '../server/db/schema.ts'

const SETTLE_POLL_MS = 100
// Longer than one flush of a 5000-event batch through the slowest writer, so a count that
// did not move in this window means the writer is idle, not mid-batch.
const SETTLE_STABLE_MS = 500
const SETTLE_TIMEOUT_MS = 15_000

export class BenchDatabase {
  private constructor(readonly url: string, readonly sql: Sql, readonly embedded: EmbeddedDatabase | undefined) {}

  static async open(externalUrl: string | undefined, log: (line: string) => void): Promise<BenchDatabase> {
    const embedded = externalUrl ? undefined : await startEmbedded({ dataDir: '.sluice-bench', log })
    const url = externalUrl ?? embedded!.url
    const sql = createSql(url, { max: 2 })
    try {
      await migrate(sql)
    } catch (error) {
      await sql.end({ timeout: 1 })
      await embedded?.stop()
      throw error
    }
    return new BenchDatabase(url, sql, embedded)
  }

  async version(): Promise<string> {
    const [row] = await this.sql`show server_version`
    return String(row!.server_version)
  }

  /**
   * Empties `events` and checkpoints, so a scenario neither inherits the last one's rows
   * nor pays for its checkpoint in the middle of its measurement.
   */
  async reset(): Promise<void> {
    await this.sql`truncate events, events_dead_letter restart identity`
    // CHECKPOINT needs superuser (or pg_checkpoint): an external DATABASE_URL may not have it.
    await this.sql`checkpoint`.catch(() => {})
  }

  async rows(): Promise<number> {
    const [row] = await this.sql`select count(*)::bigint as n from events`
    return Number(row!.n)
  }

  /** Row count once it stops moving: what was acknowledged has landed (bounded wait). */
  async settledRows(): Promise<number> {
    const deadline = performance.now() + SETTLE_TIMEOUT_MS
    let last = await this.rows()
    let stableSince = performance.now()
    for (;;) {
      await sleep(SETTLE_POLL_MS)
      const now = await this.rows()
      if (now !== last) {
        last = now
        stableSince = performance.now()
      }
      if (performance.now() - stableSince >= SETTLE_STABLE_MS || performance.now() > deadline) return now
    }
  }

  async close(): Promise<void> {
    await this.sql.end({ timeout: 5 })
    await this.embedded?.stop()
  }
}
