/**
 * Which sequence numbers PostgreSQL has committed: every seq up to `through`, plus
 * stretches above it that two writers committed out of order. A batch is always one
 * stretch (the queue never mixes non-adjacent records into one batch).
 */
export class CommittedSeqs {
  #through: number
  /** Sorted, disjoint, none touching `through` or each other. */
  #above: Array<[number, number]> = []
  #waiters: Array<{ seq: number; resolve(): void; reject(error: Error): void }> = []

  constructor(through: number, ranges: ReadonlyArray<readonly [number, number]> = []) {
    this.#through = through
    for (const [first, last] of ranges) this.add(first, last)
  }

  /** Every seq at or below this is committed. */
  get through(): number {
    return this.#through
  }

  /** The committed stretches above `through`, for what the database must remember. */
  get above(): ReadonlyArray<readonly [number, number]> {
    return this.#above
  }

  has(seq: number): boolean {
    if (seq <= this.#through) return true
    for (const [first, last] of this.#above) {
      if (seq < first) return false
      if (seq <= last) return true
    }
    return false
  }

  /**
   * The new `through` if first..last were committed now, when that stretch continues
   * `through`; undefined when something before `first` is still being written.
   */
  extending(first: number, last: number): number | undefined {
    if (first !== this.#through + 1) return undefined
    let through = last
    for (const [from, to] of this.#above) {
      if (from > through + 1) break
      through = Math.max(through, to)
    }
    return through
  }

  add(first: number, last: number): void {
    if (last < first || last <= this.#through) return
    const merged: Array<[number, number]> = []
    let stretch: [number, number] = [Math.max(first, this.#through + 1), last]
    for (const range of this.#above) {
      if (range[1] + 1 < stretch[0]) merged.push(range)
      else if (stretch[1] + 1 < range[0]) {
        merged.push(stretch)
        stretch = range
      } else stretch = [Math.min(stretch[0], range[0]), Math.max(stretch[1], range[1])]
    }
    merged.push(stretch)
    if (merged[0]![0] === this.#through + 1) this.#through = merged.shift()![1]
    this.#above = merged
    this.#wake()
  }

  /** Resolves once every seq up to `seq` is committed. */
  waitFor(seq: number): Promise<void> {
    if (seq <= this.#through) return Promise.resolve()
    return new Promise((resolve, reject) => {
      this.#waiters.push({ seq, resolve, reject })
    })
  }

  /** Fails every waiter (the server stops before their events were committed). */
  rejectWaiters(error: Error): void {
    const waiters = this.#waiters
    this.#waiters = []
    for (const waiter of waiters) waiter.reject(error)
  }

  #wake(): void {
    if (this.#waiters.length === 0 || this.#waiters.every((waiter) => waiter.seq > this.#through)) return
    const still = []
    for (const waiter of this.#waiters) {
      if (waiter.seq <= this.#through) waiter.resolve()
      else still.push(waiter)
    }
    this.#waiters = still
  }
}
