import { performance } from 'node:perf_hooks'

/**
 * The probe's interval: each firing records how much later than this it came. 2 ms gives
 * ~125 samples per 250 ms tick, enough for a p99; timers have 1 ms granularity, so finer
 * buys nothing. Measured idle here: about 3% of one core.
 *
 * Why not perf_hooks.monitorEventLoopDelay: its reset() also forgets when it last fired,
 * so the interval in progress at each reset is never recorded, and a per-tick reset hid
 * any stall that shared an interval with the tick (a test blocking the loop right after a
 * tick saw 2 ms, not 100). This probe keeps its own last firing time, so a stall is
 * counted when it ends, whoever reads it.
 */
export const LOOP_RESOLUTION_MS = 2

/**
 * One event-loop delay probe for the process: admission control and the metrics both
 * listen to the same samples (milliseconds late, >= 0).
 */
export class LoopProbe {
  readonly #listeners = new Set<(delayMs: number) => void>()
  #lastAt = performance.now()
  #timer: NodeJS.Timeout | undefined

  /** Calls `listener` with every sample; starts the probe with the first listener. Returns the unsubscribe. */
  subscribe(listener: (delayMs: number) => void): () => void {
    this.#listeners.add(listener)
    if (!this.#timer) {
      this.#lastAt = performance.now()
      this.#timer = setInterval(() => this.#fire(), LOOP_RESOLUTION_MS)
      this.#timer.unref()
    }
    return () => {
      this.#listeners.delete(listener)
      if (this.#listeners.size === 0) this.close()
    }
  }

  close(): void {
    clearInterval(this.#timer)
    this.#timer = undefined
  }

  #fire(): void {
    const now = performance.now()
    const delayMs = Math.max(0, now - this.#lastAt - LOOP_RESOLUTION_MS)
    this.#lastAt = now
    for (const listener of this.#listeners) listener(delayMs)
  }
}
