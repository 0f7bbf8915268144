import { performance } from 'node:perf_hooks'
import type { ServerVitals } from '../../shared/bursts.ts'
import { LOOP_RESOLUTION_MS, type LoopProbe } from '../pipeline/loop-probe.ts'

// Readings are kept in slots this long, to be read back by the second they fell in.
const SLOT_MS = 100
// Slots older than this are dropped, in case no second comes to claim them.
const KEEP_MS = 10_000

const epochNow = () => performance.timeOrigin + performance.now()
const round = (ms: number) => Math.round(ms * 100) / 100

export interface VitalsMonitor {
  /** RSS now and the worst event-loop delay since the last call (a tick's figures). */
  sample(): ServerVitals
  /**
   * The worst loop delay and the highest RSS of the span [fromMs, toMs) of epoch time.
   * A stall that covered any part of the span counts in full, so a second in which the
   * server was stalled throughout reads as that stall, not as a second with no reading.
   */
  between(fromMs: number, toMs: number): ServerVitals
  /** The peaks over the run so far. */
  readonly peak: ServerVitals
  /** Highest V8 heap used over the run so far, read with each tick's sample. */
  readonly peakHeapBytes: number
  close(): void
}

/**
 * The server process's own RSS and event-loop delay while a burst runs, from the
 * process's loop probe. It lives in the server's thread on purpose: the delay it sees
 * is the one the burst provokes there.
 */
export function monitorVitals(loop: LoopProbe): VitalsMonitor {
  const slots = new Map<number, { delayMs: number; rssBytes: number }>()
  const slot = (index: number) => {
    let found = slots.get(index)
    if (!found) slots.set(index, (found = { delayMs: 0, rssBytes: 0 }))
    return found
  }
  let tickDelay = 0
  let peakDelay = 0
  let peakRss = 0
  let peakHeap = 0

  // Each interval lands in every slot its late part covers: a 1 s stall marks ten.
  const mark = (end: number, delayMs: number) => {
    const last = Math.floor(end / SLOT_MS)
    for (let index = Math.floor((end - delayMs) / SLOT_MS); index <= last; index++) {
      const s = slot(index)
      s.delayMs = Math.max(s.delayMs, delayMs)
    }
    tickDelay = Math.max(tickDelay, delayMs)
    peakDelay = Math.max(peakDelay, delayMs)
  }
  // The probe's samples arrive as its timer fires: this is the time of its last firing.
  let lastFiredAt = performance.now()
  // Up to when settle() has already counted the probe's open interval.
  let settledAt = 0
  const unsubscribe = loop.subscribe((delayMs) => {
    const now = performance.now()
    // Of an interval settle() counted in part, only what came after is new.
    const fresh = settledAt > lastFiredAt ? Math.max(0, now - settledAt - LOOP_RESOLUTION_MS) : delayMs
    lastFiredAt = now
    mark(performance.timeOrigin + now, fresh)
  })
  /**
   * Counts the probe's interval still open: right after a stall, the message that asks
   * for a second may be handled before the probe's timer has fired to report it.
   */
  const settle = () => {
    const now = performance.now()
    const from = Math.max(lastFiredAt, settledAt)
    if (now - from <= LOOP_RESOLUTION_MS) return
    mark(performance.timeOrigin + now, now - from - LOOP_RESOLUTION_MS)
    settledAt = now
  }

  const readRss = () => {
    const rssBytes = process.memoryUsage.rss()
    const s = slot(Math.floor(epochNow() / SLOT_MS))
    s.rssBytes = Math.max(s.rssBytes, rssBytes)
    peakRss = Math.max(peakRss, rssBytes)
    return rssBytes
  }

  return {
    sample() {
      // A stall that just ended is in this sample, even if the probe has not said so yet.
      settle()
      const rssBytes = readRss()
      peakHeap = Math.max(peakHeap, process.memoryUsage().heapUsed)
      const loopDelayMaxMs = round(tickDelay)
      tickDelay = 0
      const stale = Math.floor((epochNow() - KEEP_MS) / SLOT_MS)
      for (const index of slots.keys()) if (index < stale) slots.delete(index)
      return { rssBytes, loopDelayMaxMs }
    },
    between(fromMs, toMs) {
      settle()
      const rssNow = readRss()
      let delayMs = 0
      let rssBytes = 0
      const first = Math.floor(fromMs / SLOT_MS)
      for (let index = first; index * SLOT_MS < toMs; index++) {
        const s = slots.get(index)
        if (!s) continue
        delayMs = Math.max(delayMs, s.delayMs)
        rssBytes = Math.max(rssBytes, s.rssBytes)
      }
      // Seconds come in order: nothing before this one will be asked for again.
      for (const index of slots.keys()) if (index < first) slots.delete(index)
      // No RSS reading inside the span (the loop was stalled through it): the one just taken.
      return { rssBytes: rssBytes || rssNow, loopDelayMaxMs: round(delayMs) }
    },
    get peak() {
      return { rssBytes: peakRss, loopDelayMaxMs: round(peakDelay) }
    },
    get peakHeapBytes() {
      return peakHeap
    },
    close() {
      unsubscribe()
    },
  }
}
