/** What the spool reports: the snapshot, /metrics and the tests read it. */
export type { SpoolSnapshot as SpoolStats } from '../../../shared/metrics.ts'

const FSYNC_WINDOW = 4096
const RATE_WINDOW_MS = 1_000

/** The last FSYNC_WINDOW fdatasyncs: when, how long, how many events. */
export class FsyncWindow {
  readonly #at = new Float64Array(FSYNC_WINDOW)
  readonly #latencyMs = new Float64Array(FSYNC_WINDOW)
  readonly #events = new Float64Array(FSYNC_WINDOW)
  #next = 0
  total = 0
  eventsTotal = 0

  record(latencyMs: number, events: number, at = performance.now()): void {
    const i = this.#next
    this.#at[i] = at
    this.#latencyMs[i] = latencyMs
    this.#events[i] = events
    this.#next = (i + 1) % FSYNC_WINDOW
    this.total++
    this.eventsTotal += events
  }

  /** fsyncs and events over the last second (a busy disk may fill the window sooner). */
  rate(now = performance.now()): { fsyncsPerSec: number; eventsPerFsync: number } {
    const held = Math.min(this.total, FSYNC_WINDOW)
    let fsyncs = 0
    let events = 0
    let oldest = now
    for (let k = 1; k <= held; k++) {
      const i = (this.#next - k + FSYNC_WINDOW) % FSYNC_WINDOW
      if (now - this.#at[i]! > RATE_WINDOW_MS) break
      fsyncs++
      events += this.#events[i]!
      oldest = this.#at[i]!
    }
    // A full window that does not reach back a second is scaled to its own span.
    const spanMs = fsyncs === FSYNC_WINDOW ? Math.max(1, now - oldest) : RATE_WINDOW_MS
    return { fsyncsPerSec: (fsyncs * 1000) / spanMs, eventsPerFsync: fsyncs ? events / fsyncs : 0 }
  }

  p99(): number | null {
    const held = Math.min(this.total, FSYNC_WINDOW)
    if (held === 0) return null
    const sorted = this.#latencyMs.slice(0, held).sort()
    return sorted[Math.min(held - 1, Math.ceil(held * 0.99) - 1)]!
  }
}

/**
 * When each not-yet-committed stretch of sequence numbers was appended, oldest first:
 * one entry per fsync group (per record for what recovery found), dropped as commits pass.
 */
export class UnwrittenAges {
  #lastSeqs: number[] = []
  #appendedAt: number[] = []
  #head = 0

  push(lastSeq: number, appendedAt: number): void {
    this.#lastSeqs.push(lastSeq)
    this.#appendedAt.push(appendedAt)
  }

  /** Forgets every stretch that ends at or before `through`. */
  release(through: number): void {
    while (this.#head < this.#lastSeqs.length && this.#lastSeqs[this.#head]! <= through) this.#head++
    if (this.#head > 1024 && this.#head * 2 > this.#lastSeqs.length) {
      this.#lastSeqs = this.#lastSeqs.slice(this.#head)
      this.#appendedAt = this.#appendedAt.slice(this.#head)
      this.#head = 0
    }
  }

  /** Epoch ms of the oldest unwritten append, or undefined. */
  get oldestAt(): number | undefined {
    return this.#appendedAt[this.#head]
  }
}
