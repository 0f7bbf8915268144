import type { KnobChangeRecord } from '../../shared/sse.ts'

/** Changes kept at most, whatever their age: a preset changes two or three knobs. */
const MAX_CHANGES = 500

/**
 * Knob changes (with who made them), kept as long as the metrics history and sent with
 * every hello: the `config` event reaches only the dashboards open at that moment, and a
 * reloaded one would lose the marks that explain a spike.
 */
export class KnobChangeLog {
  readonly #keepMs: number
  #items: KnobChangeRecord[] = []

  constructor(keepMs: number) {
    this.#keepMs = keepMs
  }

  add(change: KnobChangeRecord): void {
    this.#items.push(change)
    this.#prune()
  }

  /** Oldest first, none older than the history. */
  recent(): KnobChangeRecord[] {
    this.#prune()
    return [...this.#items]
  }

  #prune(): void {
    const cutoff = Date.now() - this.#keepMs
    let drop = Math.max(0, this.#items.length - MAX_CHANGES)
    while (drop < this.#items.length && this.#items[drop]!.at < cutoff) drop++
    if (drop > 0) this.#items = this.#items.slice(drop)
  }
}
