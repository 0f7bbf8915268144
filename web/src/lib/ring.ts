/**
 * A fixed-capacity buffer that overwrites its oldest item: what the dashboard keeps of a
 * stream, so an open tab's memory is bounded however long it stays open.
 */
export class Ring<T> {
  readonly #items: (T | undefined)[]
  #start = 0
  #size = 0

  constructor(readonly capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError(`ring capacity must be a positive integer, got ${capacity}`)
    this.#items = new Array<T | undefined>(capacity)
  }

  get size(): number {
    return this.#size
  }

  push(item: T): void {
    const end = (this.#start + this.#size) % this.capacity
    this.#items[end] = item
    if (this.#size < this.capacity) this.#size++
    else this.#start = (this.#start + 1) % this.capacity
  }

  clear(): void {
    this.#items.fill(undefined)
    this.#start = 0
    this.#size = 0
  }

  /** The i-th item, oldest first. */
  at(i: number): T | undefined {
    if (i < 0 || i >= this.#size) return undefined
    return this.#items[(this.#start + i) % this.capacity]
  }

  last(): T | undefined {
    return this.at(this.#size - 1)
  }

  /** First index whose key is >= value, for items kept in key order (binary search). */
  lowerBound(key: (item: T) => number, value: number): number {
    let lo = 0
    let hi = this.#size
    while (lo < hi) {
      const mid = (lo + hi) >>> 1
      if (key(this.at(mid)!) < value) lo = mid + 1
      else hi = mid
    }
    return lo
  }

  toArray(): T[] {
    const out: T[] = []
    for (let i = 0; i < this.#size; i++) out.push(this.at(i)!)
    return out
  }
}
