import type { BurstProgress, BurstWindow } from '../../shared/bursts.ts'
import type { FlushSample, MetricsSnapshot } from '../../shared/metrics.ts'
import type { Hello } from '../../shared/sse.ts'

/**
 * Runs in the page before the app (page.addInitScript): wraps EventSource so that the
 * first `hello` arrives with `minutes` of synthetic history before the server's real
 * ticks, and the same span of burst progress. The dashboard then has a full 15-minute
 * window to draw while the real stream goes on, without waiting 15 minutes.
 * `window.prefilledTicks` says how many ticks it added: none when the server had not yet
 * sampled a tick to model them on. Self-contained: Playwright serialises it into the page.
 */
export function prefillHistory({ minutes }: { minutes: number }): void {
  const Native = window.EventSource
  let done = false

  function synthesise(hello: Hello): { snapshots: MetricsSnapshot[]; bursts: BurstProgress[] } {
    const real = hello.history[0]
    if (!real) return { snapshots: [], bursts: [] }
    const tickMs = hello.config.fixed.tickMs
    const count = Math.floor((minutes * 60_000) / tickMs) - hello.history.length
    const snapshots: MetricsSnapshot[] = []
    const bursts: BurstProgress[] = []
    const triggers = ['size', 'bytes', 'interval', 'drain'] as const
    const id = 'prefill'
    const burstStart = real.time - count * tickMs
    bursts.push({ phase: 'started', id, at: burstStart, name: 'prefill', spec: { model: 'open', shape: { kind: 'steady', level: 1000 }, durationMs: count * tickMs, body: { eventsPerRequest: 10, eventBytes: 200, format: 'ndjson' } } })
    for (let i = 0; i < count; i++) {
      const time = real.time - (count - i) * tickMs
      const wave = (Math.sin(i / 40) + 1) / 2
      const noise = Math.random()
      const flushes: FlushSample[] = []
      for (let f = 0; f < 1 + (i % 3); f++) {
        flushes.push({ at: time - f * 20, events: Math.round(500 + 4500 * wave * noise), bytes: 100_000, durationMs: 5 + 40 * noise, trigger: triggers[(i + f) % 3]!, retries: 0 })
      }
      const rejected = { ...real.tick.rejected, queue_full: wave > 0.8 ? Math.round(50 * noise) : 0, too_large: i % 17 === 0 ? 2 : 0 }
      const tick = { ...real.tick, eventsAccepted: Math.round(20_000 * wave * tickMs / 1000), eventsCommitted: Math.round(19_000 * wave * tickMs / 1000), requestsAccepted: Math.round(2_000 * wave * tickMs / 1000), rejected }
      snapshots.push({
        ...real,
        seq: real.seq - (count - i),
        time,
        elapsedMs: tickMs,
        tick,
        perSec: tick,
        queue: { ...real.queue, events: Math.round(real.queue.capacityEvents * wave * 0.9), bytes: Math.round(real.queue.capacityBytes * wave * 0.2), oldestAgeMs: 500 * wave },
        inflight: { requests: Math.round(200 * wave * noise), bytes: 1_000_000 * wave },
        flushes,
        memory: { ...real.memory, rssBytes: (120 + 60 * wave) * 1024 * 1024, heapUsedBytes: (30 + 20 * noise) * 1024 * 1024 },
        eventLoop: { delayP50Ms: 1 + noise, delayP99Ms: 5 + 20 * wave, delayMaxMs: 10 + 40 * wave * noise, utilization: 0.3 + 0.6 * wave },
      })
      const window: BurstWindow = {
        t: (i + 1) * tickMs, durationMs: tickMs, target: 1000, offeredRate: 1000, sentRate: 1000, achievedRate: 1000 - 300 * wave, okRate: 900 - 300 * wave, inflight: 50,
        statuses: { '202': 200, '429': 20 }, errors: {}, late: 0, skipped: 0, latency: { count: 200, p50: 2 + 5 * wave, p90: 10 + 20 * wave, p99: 20 + 80 * wave * noise, max: 200 },
      }
      bursts.push({ phase: 'tick', id, at: time, elapsedMs: (i + 1) * tickMs, durationMs: count * tickMs, window, server: { rssBytes: 0, loopDelayMaxMs: 0 } })
    }
    return { snapshots, bursts }
  }

  type Listener = (event: MessageEvent<string>) => void
  // A factory rather than a subclass: EventSource's overloaded listener types do not survive `override`.
  function PrefilledEventSource(url: string | URL, init?: EventSourceInit): EventSource {
    const source = new Native(url, init)
    const add = source.addEventListener.bind(source) as (type: string, listener: Listener) => void
    const burstListeners: Listener[] = []
    source.addEventListener = ((type: string, listener: Listener) => {
      if (type === 'burst') burstListeners.push(listener)
      if (type !== 'hello' || done) return add(type, listener)
      add(type, (message) => {
        const hello = JSON.parse(message.data) as Hello
        if (done || hello.since !== null) return listener(message)
        done = true
        const { snapshots, bursts } = synthesise(hello)
        ;(window as unknown as { prefilledTicks: number }).prefilledTicks = snapshots.length
        hello.history = [...snapshots, ...hello.history]
        listener(new MessageEvent('hello', { data: JSON.stringify(hello), lastEventId: message.lastEventId }))
        for (const progress of bursts) for (const l of burstListeners) l(new MessageEvent('burst', { data: JSON.stringify(progress) }))
      })
    }) as EventSource['addEventListener']
    return source
  }
  PrefilledEventSource.prototype = Native.prototype
  Object.assign(PrefilledEventSource, { CONNECTING: Native.CONNECTING, OPEN: Native.OPEN, CLOSED: Native.CLOSED })
  window.EventSource = PrefilledEventSource as unknown as typeof EventSource
}
