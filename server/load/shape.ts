import type { BurstShape } from '../../shared/bursts.ts'

/** The shape's level at `t` ms into a burst of `durationMs`: connections (closed) or requests/s (open). */
export function levelAt(shape: BurstShape, t: number, durationMs: number): number {
  switch (shape.kind) {
    case 'steady':
      return shape.level
    case 'ramp':
      return shape.from + (shape.to - shape.from) * Math.min(1, Math.max(0, t / durationMs))
    case 'step': {
      const index = Math.min(shape.levels.length - 1, Math.floor((t / durationMs) * shape.levels.length))
      return shape.levels[Math.max(0, index)] ?? 0
    }
    case 'spike':
      return t >= shape.atMs && t < shape.atMs + shape.forMs ? shape.peak : shape.base
  }
}

/** The highest level the shape reaches: how many connections a closed burst may need. */
export function peakLevel(shape: BurstShape): number {
  switch (shape.kind) {
    case 'steady':
      return shape.level
    case 'ramp':
      return Math.max(shape.from, shape.to)
    case 'step':
      return Math.max(...shape.levels)
    case 'spike':
      return Math.max(shape.base, shape.peak)
  }
}

// The rate is integrated in steps this long, so a ramp from zero starts on time.
const STEP_MS = 1
// Rounding in the running sum must not add or drop a send at a whole number.
const EPSILON = 1e-6

/**
 * Intended send times (ms since start) of an open burst, from the rate of each moment.
 * The schedule never looks at answers, which is what keeps a stalled server from
 * slowing the offered load down (coordinated omission).
 */
export function* arrivals(shape: BurstShape, durationMs: number): Generator<number> {
  yield* arrivalsOf((t) => levelAt(shape, t, durationMs), durationMs)
}

/** The same from any level function, from `fromMs` on: a burst whose level is changed mid-run starts a new schedule there. */
export function* arrivalsOf(level: (t: number) => number, durationMs: number, fromMs = 0): Generator<number> {
  // Arrivals owed so far: a send is due each time this reaches a whole number: at once at
  // the run's start, one interval of the new level after a change.
  let owed = fromMs === 0 ? 0 : 2 * EPSILON
  for (let t = fromMs; t < durationMs; t += STEP_MS) {
    const perMs = level(t) / 1_000
    if (perMs <= 0) continue
    const next = owed + perMs * STEP_MS
    for (let k = Math.ceil(owed - EPSILON); k < next - EPSILON; k++) yield t + Math.max(0, k - owed) / perMs
    owed = next
  }
}
