/**
 * Things with a time (notes, knob changes), kept as long as the metrics history and at
 * most `max` of them whatever their age, oldest first: sent with every hello, so a
 * dashboard opened or reloaded later still draws them.
 */
export class TimedLog<T extends { readonly at: number }> {
  readonly #keepMs: number
  readonly #max: number
  #items: T[] = []

  constructor(keepMs: number, max: number) {
    this.#keepMs = keepMs
    this.#max = max
  }

  /** At the end, or before the first kept item `before` picks. */
  add(item: T, before?: (kept: T) => boolean): void {
    const at = before ? this.#items.findIndex(before) : -1
    this.#items.splice(at === -1 ? this.#items.length : at, 0, item)
    this.#prune()
  }

  find(match: (kept: T) => boolean): T | undefined {
    return this.#items.find(match)
  }

  recent(): T[] {
    this.#prune()
    return [...this.#items]
  }

  #prune(): void {
    const cutoff = Date.now() - this.#keepMs
    let drop = Math.max(0, this.#items.length - this.#max)
    while (drop < this.#items.length && this.#items[drop]!.at < cutoff) drop++
    if (drop > 0) this.#items = this.#items.slice(drop)
  }
}
