import { monitorEventLoopDelay } from 'node:perf_hooks'
import type { ServerVitals } from '../../shared/bursts.ts'

// Same resolution as the metrics core: fine enough for a p99 at a 250 ms tick, cheap enough.
const RESOLUTION_MS = 2

export interface VitalsMonitor {
  /** RSS now and the worst event-loop delay since the last call. */
  sample(): ServerVitals
  /** The peaks over every sample so far. */
  readonly peak: ServerVitals
  close(): void
}

/**
 * The server process's own RSS and event-loop delay while a burst runs. It lives in the
 * server's thread on purpose: the delay it sees is the one the burst provokes there.
 */
export function monitorVitals(): VitalsMonitor {
  const loop = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
  loop.enable()
  let peakRss = 0
  let peakDelay = 0
  return {
    sample() {
      // The monitor records whole timer intervals: the delay is what exceeds its resolution.
      const loopDelayMaxMs = loop.count === 0 ? 0 : Math.max(0, Math.round((loop.max / 1e6 - RESOLUTION_MS) * 100) / 100)
      loop.reset()
      const rssBytes = process.memoryUsage.rss()
      peakRss = Math.max(peakRss, rssBytes)
      peakDelay = Math.max(peakDelay, loopDelayMaxMs)
      return { rssBytes, loopDelayMaxMs }
    },
    get peak() {
      return { rssBytes: peakRss, loopDelayMaxMs: peakDelay }
    },
    close() {
      loop.disable()
    },
  }
}
