/**
 * How long the supervisor waits before restarting a worker that died: 100 ms, doubling
 * with each quick death up to 5 s, back to 100 ms once a worker has lived 30 s. A worker
 * that dies at start (a bad database, a full disk) is retried a dozen times a minute,
 * not thousands; one that crashes once a day restarts at once.
 */
export const RESTART_FIRST_MS = 100
export const RESTART_MAX_MS = 5_000
export const RESTART_RESET_AFTER_MS = 30_000

export interface RestartBackoff {
  /** The delay before the next restart of a worker that lived `livedMs`. */
  next(livedMs: number): number
}

export function restartBackoff(): RestartBackoff {
  let delay = 0
  return {
    next(livedMs) {
      delay = livedMs >= RESTART_RESET_AFTER_MS || delay === 0 ? RESTART_FIRST_MS : Math.min(RESTART_MAX_MS, delay * 2)
      return delay
    },
  }
}
