import type { Annotation } from '../../shared/sse.ts'
import type { Sql } from '../db/client.ts'
import type { AnnotationLog } from '../metrics/annotations.ts'
import { FLEET_CHANNEL } from './channel.ts'

/** An annotation as the fleet knows it: the tick it follows is each instance's own. */
export type FleetNote = Omit<Annotation, 'afterSeq'>

/**
 * Keeps a note in `fleet_annotations` and announces it, in one statement. The table's
 * identity gives every instance the same increasing id for it. Used by the HTTP route
 * and by the supervisor (a worker's death).
 */
export async function recordAnnotation(sql: Sql, text: string, from: string, at = Date.now()): Promise<FleetNote> {
  const [row] = await sql<FleetNote[]>`
    with kept as (insert into fleet_annotations (at, text) values (${at}, ${text}) returning id, at, text)
    select id, at::float8 as at, text, pg_notify(${FLEET_CHANNEL}, json_build_object(
      'from', ${from}::text,
      'message', json_build_object('type', 'annotation', 'id', id, 'at', at, 'text', text))::text) as sent
    from kept`
  return { id: row!.id, at: row!.at, text: row!.text }
}

/**
 * The timeline's notes, fleet-wide: a note made on any instance (or by the supervisor)
 * lands in every instance's log and stream; one that starts later reads back the notes
 * its history window still covers.
 */
export class FleetAnnotations {
  readonly #sql: Sql
  readonly #log: AnnotationLog
  readonly #keepMs: number
  readonly #sender: string
  /** Places a note after this instance's latest tick and sends it on the stream, once. */
  readonly #show: (note: FleetNote) => void
  #lastId = 0

  constructor(sql: Sql, log: AnnotationLog, keepMs: number, sender: string, show: (note: FleetNote) => void) {
    this.#sender = sender
    this.#sql = sql
    this.#log = log
    this.#keepMs = keepMs
    this.#show = show
  }

  /** Forgets the last fleet's notes (the metrics they marked are gone with it). */
  static async clear(sql: Sql): Promise<void> {
    await sql`delete from fleet_annotations`
  }

  /** POST /api/annotations: kept in the table, shown here at once, and everywhere else by the message. */
  async add(text: string): Promise<Annotation> {
    const note = await recordAnnotation(this.#sql, text, this.#sender)
    this.receive(note)
    // Kept by now, whether by this call or by its message, which may have come first.
    return this.#log.find(note.id) ?? { ...note, afterSeq: 0 }
  }

  /** A note from the channel or the table. */
  receive({ id, at, text }: FleetNote): void {
    this.#lastId = Math.max(this.#lastId, id)
    // Only these fields: a message brings its `type` along, which is not the note's.
    this.#show({ id, at, text })
  }

  async catchUp(): Promise<void> {
    const since = Date.now() - this.#keepMs
    const notes = await this.#sql<FleetNote[]>`
      select id, at::float8 as at, text from fleet_annotations where id > ${this.#lastId} and at >= ${since} order by id limit 500`
    for (const note of notes) this.receive(note)
  }
}
