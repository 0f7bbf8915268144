import type { Annotation } from '../../shared/sse.ts'

/** Annotations kept at most, whatever their age. */
const MAX_ANNOTATIONS = 500

/** Notes on the timeline, kept as long as the metrics history and sent with every hello. */
export class AnnotationLog {
  readonly #keepMs: number
  #items: Annotation[] = []
  #nextId = 1

  constructor(keepMs: number) {
    this.#keepMs = keepMs
  }

  add(text: string, afterSeq: number): Annotation {
    const annotation = { id: this.#nextId++, at: Date.now(), afterSeq, text }
    this.#items.push(annotation)
    this.#prune()
    return annotation
  }

  /**
   * Keeps a note made elsewhere in the fleet, under the id the fleet gave it (ids stay
   * increasing, as the dashboard expects). False when it is kept already.
   */
  keep(annotation: Annotation): boolean {
    if (this.find(annotation.id)) return false
    const at = this.#items.findIndex((item) => item.id > annotation.id)
    this.#items.splice(at === -1 ? this.#items.length : at, 0, annotation)
    this.#nextId = Math.max(this.#nextId, annotation.id + 1)
    this.#prune()
    return true
  }

  find(id: number): Annotation | undefined {
    return this.#items.find((item) => item.id === id)
  }

  /** Oldest first, none older than the history. */
  recent(): Annotation[] {
    this.#prune()
    return [...this.#items]
  }

  #prune(): void {
    const cutoff = Date.now() - this.#keepMs
    let drop = Math.max(0, this.#items.length - MAX_ANNOTATIONS)
    while (drop < this.#items.length && this.#items[drop]!.at < cutoff) drop++
    if (drop > 0) this.#items = this.#items.slice(drop)
  }
}
