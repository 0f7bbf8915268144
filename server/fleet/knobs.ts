import type { LiveConfig } from '../../shared/config.ts'
import type { Sql } from '../db/client.ts'
import type { KnobsChange, Pipeline } from '../pipeline/pipeline.ts'
import { FLEET_CHANNEL } from './channel.ts'

const json = (value: unknown) => JSON.stringify(value)

interface Row {
  version: number
  knobs: Partial<LiveConfig>
  by: string
}

/**
 * The live knobs, fleet-wide. A change made here (PATCH /api/config, a burst) is merged
 * into the one row of `fleet_config` and announced in the same statement; every other
 * instance applies it through `pipeline.setKnobs(patch, by)`, the one path knobs take.
 * The row holds every knob changed since the fleet started, with a version, so an
 * instance that starts later, or missed a message, catches up by reading it; versions
 * put concurrent changes and late messages in one order.
 *
 * This instance's own changes are saved one at a time, in the order they were made, and
 * while any is on its way no row is applied: an older row would undo, for a moment, a
 * change made here since. Once the last is saved the row is read and applied, with
 * whatever other instances changed meanwhile.
 */
export class FleetKnobs {
  readonly #sql: Sql
  readonly #pipeline: Pipeline
  readonly #log: (line: string) => void
  readonly #sender: string
  #applied = 0
  /** Set while applying another instance's change, so it is not announced again. */
  #applying = false
  /** This instance's changes not yet saved, and the chain that saves them in order. */
  #unsaved = 0
  #saving: Promise<void> = Promise.resolve()

  constructor(sql: Sql, pipeline: Pipeline, log: (line: string) => void, sender: string) {
    this.#sender = sender
    this.#sql = sql
    this.#pipeline = pipeline
    this.#log = log
  }

  /** Forgets the last fleet's changes: the fleet starts from its environment. */
  static async clear(sql: Sql): Promise<void> {
    await sql`delete from fleet_config`
  }

  /** Wired to `pipeline.onKnobsChanged`: a change made on this instance goes to the table and the fleet. */
  share({ changed, by }: KnobsChange): void {
    if (this.#applying || changed.length === 0) return
    const knobs = this.#pipeline.knobs
    const patch = Object.fromEntries(changed.map((key) => [key, knobs[key]]))
    this.#unsaved++
    this.#saving = this.#saving
      .then(() => this.#save(patch, by))
      .catch((error: Error) => this.#log(`fleet: the knob change by ${by} stays on this instance: ${error.message}`))
      .then(async () => {
        if (--this.#unsaved === 0) await this.catchUp()
      })
      .catch((error: Error) => this.#log(`fleet: cannot read the fleet's knobs: ${error.message}`))
  }

  /** Resolves once every change made here so far is saved (and the row read back). */
  settled(): Promise<void> {
    return this.#saving
  }

  /** A `knobs` message, or the row read back: applied once, in version order. */
  apply(row: Row): void {
    if (this.#unsaved > 0 || row.version <= this.#applied) return
    this.#applied = row.version
    this.#applying = true
    try {
      this.#pipeline.setKnobs(row.knobs, row.by)
    } catch (error) {
      this.#log(`fleet: knobs version ${row.version} by ${row.by} not applied: ${(error as Error).message}`)
    } finally {
      this.#applying = false
    }
  }

  /** Reads the row: at start, after the channel reconnects, and on every poll. */
  async catchUp(): Promise<void> {
    const [row] = await this.#sql<Row[]>`select version, knobs, by from fleet_config`
    if (row) this.apply(row)
  }

  async #save(patch: Partial<LiveConfig>, by: string): Promise<void> {
    await this.#sql`
      with saved as (
        insert into fleet_config (id, version, knobs, by) values (true, 1, ${json(patch)}::text::jsonb, ${by})
        on conflict (id) do update set version = fleet_config.version + 1, knobs = fleet_config.knobs || excluded.knobs, by = excluded.by
        returning version, knobs, by
      )
      select version, pg_notify(${FLEET_CHANNEL}, json_build_object(
        'from', ${this.#sender}::text,
        'message', json_build_object('type', 'knobs', 'version', version, 'knobs', knobs, 'by', by))::text) as sent
      from saved`
  }
}
