/** Holds this process's event loop, and so a server started in it (startTestSluice), for `ms`. */
export function spin(ms: number): void {
  const until = performance.now() + ms
  while (performance.now() < until) {
    // spinning on purpose
  }
}

/**
 * Blocks this process's event loop for `busyMs` in every turn (a 1 ms interval fires on
 * each): what a server whose CPU cannot keep up looks like from the inside, every
 * request waiting about `busyMs` for its turn. For a server started in this process
 * (startTestSluice). Returns the stop.
 */
export function stallLoop(busyMs: number, periodMs = 1): () => void {
  const timer = setInterval(() => spin(busyMs), periodMs)
  return () => clearInterval(timer)
}
