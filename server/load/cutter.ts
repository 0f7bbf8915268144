/**
 * Cuts every request in flight at once. A Set, not an AbortSignal: with thousands of
 * requests in flight, EventTarget's add/removeEventListener took 10% of the generator's
 * CPU (measured); joining and leaving a Set is O(1).
 */
export class Cutter {
  readonly #hooks = new Set<() => void>()
  cut = false

  /** Calls `hook` on cutAll() (check `cut` first: a late joiner is not called); returns the removal. */
  join(hook: () => void): () => void {
    this.#hooks.add(hook)
    return () => this.#hooks.delete(hook)
  }

  cutAll(): void {
    this.cut = true
    for (const hook of [...this.#hooks]) hook()
    this.#hooks.clear()
  }
}
