import { build, type Histogram } from 'hdr-histogram-js'
import type { BurstErrorKind, BurstWindow, LatencyStats, RequestKind } from '../../shared/bursts.ts'

// Microseconds, 3 significant digits, up to an hour: far past any request timeout.
const newHistogram = (): Histogram => build({ lowestDiscernibleValue: 1, highestTrackableValue: 3_600_000_000, numberOfSignificantValueDigits: 3 })

const ms = (us: number) => Math.round(us) / 1_000

function latencyOf(histogram: Histogram): LatencyStats {
  if (histogram.totalCount === 0) return { count: 0, p50: 0, p90: 0, p95: 0, p99: 0, p999: 0, max: 0 }
  return {
    count: histogram.totalCount,
    p50: ms(histogram.getValueAtPercentile(50)),
    p90: ms(histogram.getValueAtPercentile(90)),
    p95: ms(histogram.getValueAtPercentile(95)),
    p99: ms(histogram.getValueAtPercentile(99)),
    p999: ms(histogram.getValueAtPercentile(99.9)),
    max: ms(histogram.maxValue),
  }
}

/** `count` over `durationMs` as a rate per second, to three decimals; 0 over no time. */
export const perSecond = (count: number, durationMs: number) => (durationMs > 0 ? Math.round((count * 1_000_000) / durationMs) / 1_000 : 0)

/** Answers split by what the server made of them: 2xx, or refused with 429/503. */
export interface LatencyByClass {
  readonly accepted: LatencyStats
  readonly refused: LatencyStats
}

/**
 * What the generator counted over some span (a tick, a second, the whole run). Latency
 * is recorded for answered `normal` requests only: bad traffic is slow or refused on
 * purpose and would only blur the figure people read.
 *
 * With `byClass`, latency is also kept apart for accepted and refused answers: under
 * overload a fast refusal and a slow acceptance average into a figure nobody had.
 */
export class Tally {
  intended = 0
  sent = 0
  answered = 0
  ok = 0
  late = 0
  skipped = 0
  statuses: Record<string, number> = {}
  errors: Partial<Record<BurstErrorKind, number>> = {}
  byKind: Partial<Record<RequestKind, { sent: number; statuses: Record<string, number> }>> = {}
  readonly histogram = newHistogram()
  readonly #byClass: { accepted: Histogram; refused: Histogram } | undefined

  constructor({ byClass = false }: { byClass?: boolean } = {}) {
    if (byClass) this.#byClass = { accepted: newHistogram(), refused: newHistogram() }
  }

  countSent(kind: RequestKind, late: boolean): void {
    this.sent++
    if (late) this.late++
    ;(this.byKind[kind] ??= { sent: 0, statuses: {} }).sent++
  }

  countAnswer(kind: RequestKind, status: number, latencyUs: number | undefined): void {
    this.answered++
    if (status >= 200 && status < 300) this.ok++
    this.statuses[status] = (this.statuses[status] ?? 0) + 1
    const byKind = (this.byKind[kind] ??= { sent: 0, statuses: {} }).statuses
    byKind[status] = (byKind[status] ?? 0) + 1
    if (latencyUs === undefined) return
    const us = Math.max(1, Math.round(latencyUs))
    this.histogram.recordValue(us)
    if (!this.#byClass) return
    if (status >= 200 && status < 300) this.#byClass.accepted.recordValue(us)
    else if (status === 429 || status === 503) this.#byClass.refused.recordValue(us)
  }

  countError(kind: BurstErrorKind): void {
    this.errors[kind] = (this.errors[kind] ?? 0) + 1
  }

  latency(): LatencyStats {
    return latencyOf(this.histogram)
  }

  /** Null unless built with `byClass`. */
  latencyByClass(): LatencyByClass | null {
    return this.#byClass ? { accepted: latencyOf(this.#byClass.accepted), refused: latencyOf(this.#byClass.refused) } : null
  }

  /** The window's figures; `offered` is `intended` for open bursts, `sent` for closed ones. */
  window(t: number, durationMs: number, target: number, inflight: number, open: boolean): BurstWindow {
    return {
      t: Math.round(t),
      durationMs: Math.round(durationMs),
      target: Math.round(target * 10) / 10,
      offeredRate: perSecond(open ? this.intended : this.sent, durationMs),
      sentRate: perSecond(this.sent, durationMs),
      achievedRate: perSecond(this.answered, durationMs),
      okRate: perSecond(this.ok, durationMs),
      inflight,
      statuses: { ...this.statuses },
      errors: { ...this.errors },
      late: this.late,
      skipped: this.skipped,
      latency: this.latency(),
    }
  }

  reset(): void {
    this.intended = this.sent = this.answered = this.ok = this.late = this.skipped = 0
    this.statuses = {}
    this.errors = {}
    this.byKind = {}
    this.histogram.reset()
    this.#byClass?.accepted.reset()
    this.#byClass?.refused.reset()
  }
}
