import type { Annotation } from '../../shared/sse.ts'
import { TimedLog } from './timed-log.ts'

/** Annotations kept at most, whatever their age. */
const MAX_ANNOTATIONS = 500

/** Notes on the timeline, kept as long as the metrics history and sent with every hello. */
export class AnnotationLog {
  readonly #log: TimedLog<Annotation>
  #nextId = 1

  constructor(keepMs: number) {
    this.#log = new TimedLog(keepMs, MAX_ANNOTATIONS)
  }

  add(text: string, afterSeq: number): Annotation {
    const annotation = { id: this.#nextId++, at: Date.now(), afterSeq, text }
    this.#log.add(annotation)
    return annotation
  }

  /**
   * Keeps a note made elsewhere in the fleet, under the id the fleet gave it (ids stay
   * increasing, as the dashboard expects). False when it is kept already.
   */
  keep(annotation: Annotation): boolean {
    if (this.find(annotation.id)) return false
    this.#log.add(annotation, (item) => item.id > annotation.id)
    this.#nextId = Math.max(this.#nextId, annotation.id + 1)
    return true
  }

  find(id: number): Annotation | undefined {
    return this.#log.find((item) => item.id === id)
  }

  /** Oldest first, none older than the history. */
  recent(): Annotation[] {
    return this.#log.recent()
  }
}
