import { performance, type EventLoopUtilization } from 'node:perf_hooks'
import type { AdmissionMode } from '../../shared/config.ts'
import type { AdmissionGauges } from '../../shared/metrics.ts'
import { overloaded, type SluiceError } from '../errors.ts'

/**
 * How often the controller looks at the delay and moves its refusal fraction. Short
 * enough to catch a ramp within a few hundred ms, long enough to hold several probe
 * samples at normal load.
 */
export const UPDATE_MS = 50
/**
 * Adaptive target: the least loop delay in a window that counts as a standing queue. Not
 * CoDel's 5 ms: a Node turn serves every ready connection, so 50 greedy connections at
 * ~240 µs a request make 12 ms turns on a healthy server here (docs/overload.md); 20 ms
 * leaves room under the 50 ms event-loop p99 the overload targets name.
 */
const TARGET_MS = 20
/**
 * PIE's gains (RFC 8033), per window: the fraction moves by ALPHA for each target's worth
 * of delay above the target, and by BETA for each target's worth the delay grew since the
 * last window, so a ramp is met before the delay has built up.
 */
const ALPHA = 0.02
const BETA = 0.08
/** Going down is faster: once the delay is under target, accepted work is cheap to let back in. */
const ALPHA_DOWN = 0.05
/**
 * CoDel's interval: shedding starts only when the delay has stayed above target this long.
 * A fork, a major GC or a burst's first connections stall the loop for one window; a
 * standing queue keeps it late window after window.
 */
const INTERVAL_MS = 200
/** Over-target error is clamped so one long stall does not slam the door shut. */
const MAX_ERROR = 4
/**
 * The loop must be at least this busy for its delay to count against ingest. A process
 * that the machine starves (other processes on its cores) wakes late from an idle wait:
 * the delay is real, but its own work is not the cause, and refusing that work would not
 * bring the delay down.
 */
const BUSY_UTILIZATION = 0.8
/** Above this fraction a refusal also closes its connection: refusing alone is not enough. */
const CLOSE_ABOVE = 0.9
/**
 * Refusing is worth it only while it pays. A refusal is not free (the request head is
 * parsed and an answer written), and where it costs nearly what serving does (single
 * small events) every refusal displaces an accept and the delay hardly moves. So the
 * controller keeps moving averages, over busy windows, of the events it accepts per ms
 * and of the delay, now and as they were while it refused little (at most LOW_FRACTION).
 * It holds back when shedding costs more than a tenth of the accepted events
 * (GOODPUT_FLOOR), or when, refusing a share p, the delay has not come down by at least
 * p / 2 of what it was (DELAY_GAIN: half what free refusals would buy): it cuts its
 * fraction by HOLD_DECAY each window, to no less than LOW_FRACTION, and caps it there; the
 * cap then rises by CEILING_STEP a window, so it tries a larger share again, slowly.
 */
const GOODPUT_FLOOR = 0.9
const DELAY_GAIN = 0.5
const LOW_FRACTION = 0.05
const HOLD_DECAY = 0.7
const CEILING_STEP = 0.005
/** Weight of each busy window in the moving averages. */
const AVERAGE_WEIGHT = 0.25
/** The delay test waits until the share refused is this large: below, the change is noise. */
const DELAY_TEST_FROM = 0.2
/** A delay within this multiple of the target passes the delay test. */
const NEAR_TARGET = 1.5
/** A trickle always gets in, so the controller keeps measuring what accepting costs. */
const MAX_FRACTION = 0.98
/**
 * `static` mode's fixed limits, in the manner of @fastify/under-pressure's
 * maxEventLoopDelay and maxEventLoopUtilization: refuse everything above either.
 */
export const STATIC_MAX_DELAY_MS = 50
export const STATIC_MAX_UTILIZATION = 0.98

/**
 * Admission on the server's own delay. Under CPU overload a Node server's requests do not
 * queue where it can count them (inflight stays near 0): they wait in socket buffers and
 * in the event loop's ready list, and that wait shows as event-loop delay. The controller
 * watches it and refuses a fraction of new ingest requests, before they are routed or
 * read, so that the ones it takes are served at the target delay.
 *
 * `adaptive` is PIE (RFC 8033) on the least loop delay of each window (CoDel's
 * standing-queue test), steered to 20 ms: no threshold to tune. It holds back when
 * refusing does not pay, when it costs over a tenth of the events accepted or does not
 * bring the delay down: where a refusal costs nearly what serving does, refusing trades
 * throughput for nothing.
 * `static` refuses everything above fixed limits and nothing below. `off` never refuses.
 */
export class AdmissionController {
  #mode: AdmissionMode
  #fraction = 0
  #debt = 0
  #delayMs = 0
  #previousDelayMs = 0
  /** When the delay went above target while nothing was refused; undefined when under. */
  #aboveSince: number | undefined
  #windowStart = performance.now()
  #windowMin = Infinity
  #windowSamples = 0
  #windowArrivals = 0
  #elu: EventLoopUtilization = performance.eventLoopUtilization()
  #utilization = 0
  /** The refusal of the current window: built once per window, not per refused request. */
  #refusal: SluiceError | undefined

  /** Events accepted so far (cumulative), read once per window. */
  readonly #accepted: () => number
  #acceptedAt = 0
  /** Accepted events/ms and loop delay over busy windows, moving averages. */
  #goodput: number | undefined
  #delayAverage: number | undefined
  /** The same while refusing little: what shedding is weighed against. */
  #goodputReference: number | undefined
  #delayReference: number | undefined
  /** The most it may refuse now: lowered where refusing stopped paying. */
  #ceiling = MAX_FRACTION
  /** Refusing more would not pay (#pays): the fraction is held down. */
  #held = false

  constructor(mode: AdmissionMode, accepted: () => number = () => 0) {
    this.#mode = mode
    this.#accepted = accepted
  }

  set mode(mode: AdmissionMode) {
    if (mode === this.#mode) return
    this.#mode = mode
    this.#fraction = 0
    this.#debt = 0
    this.#ceiling = MAX_FRACTION
  }

  get mode(): AdmissionMode {
    return this.#mode
  }

  /** What the controller steers to now, in ms of loop delay. */
  get targetMs(): number {
    return this.#mode === 'static' ? STATIC_MAX_DELAY_MS : TARGET_MS
  }

  /** Fraction of new ingest requests refused now, 0..1. */
  get fraction(): number {
    return this.#fraction
  }

  /** One event-loop probe sample (ms late). */
  observe(delayMs: number): void {
    if (delayMs < this.#windowMin) this.#windowMin = delayMs
    this.#windowSamples++
    const now = performance.now()
    if (now - this.#windowStart >= UPDATE_MS) this.#update(now)
  }

  /**
   * Called for each new ingest request before anything is read: true to refuse it. The
   * fraction is applied as a debt, not a coin: at 0.25 exactly every fourth is refused.
   */
  refuse(): boolean {
    this.#windowArrivals++
    if (this.#fraction === 0) return false
    this.#debt += this.#fraction
    if (this.#debt < 1) return false
    this.#debt -= 1
    return true
  }

  /** Refusals close their connection too (the client must reconnect before it sends again). */
  get closing(): boolean {
    return this.#fraction > CLOSE_ABOVE
  }

  gauges(): AdmissionGauges {
    return {
      mode: this.#mode,
      shedding: this.#fraction > 0,
      shedFraction: Math.round(this.#fraction * 1000) / 1000,
      delayMs: Math.round(this.#delayMs * 100) / 100,
      targetMs: Math.round(this.targetMs * 100) / 100,
      utilization: Math.round(this.#utilization * 1000) / 1000,
      closing: this.closing,
      held: this.#held,
    }
  }

  /** 429 `overloaded`, reason `cpu`, saying why; the same object for a whole window. */
  refusal(): SluiceError {
    const percent = Math.round(this.#fraction * 100)
    this.#refusal ??= overloaded(`the server's event loop is ${this.#delayMs.toFixed(0)} ms behind (target ${this.targetMs.toFixed(0)} ms): refusing ${percent}% of new requests`, 'cpu')
    return this.#refusal
  }

  #update(now: number): void {
    // CoDel's standing-queue test: the least any probe waited in the window. A loop
    // that gets round quickly even once in a window has no queue; a window with a single
    // long stall holds one sample, the stall itself.
    const delayMs = this.#windowSamples > 0 ? this.#windowMin : 0
    const eluNow = performance.eventLoopUtilization()
    const utilization = performance.eventLoopUtilization(eluNow, this.#elu).utilization
    this.#elu = eluNow
    const accepted = this.#accepted()
    const window = { now, windowMs: now - this.#windowStart, delayMs, utilization, arrivals: this.#windowArrivals, acceptedEvents: accepted - this.#acceptedAt }
    this.#acceptedAt = accepted
    this.#windowStart = now
    this.#windowMin = Infinity
    this.#windowSamples = 0
    this.#windowArrivals = 0
    this.step(window)
  }

  /** Moves the fraction on one window's measures. Called by the probe; public for tests. */
  step(window: AdmissionWindow): void {
    const { now, delayMs: delay, utilization, arrivals } = window
    this.#utilization = utilization
    this.#previousDelayMs = this.#delayMs
    this.#delayMs = delay
    this.#refusal = undefined
    this.#held = false

    switch (this.#mode) {
      case 'off':
        this.#fraction = 0
        return
      case 'static':
        this.#fraction = delay > STATIC_MAX_DELAY_MS || utilization > STATIC_MAX_UTILIZATION ? 1 : 0
        return
      case 'adaptive': {
        const target = this.targetMs
        // Delay that ingest did not cause (no request arrived, or the loop was mostly idle:
        // the machine, not this process, is busy) is not a reason to refuse ingest.
        const ours = arrivals > 0 && utilization >= BUSY_UTILIZATION
        if (ours && window.windowMs > 0) this.#weigh(window.acceptedEvents / window.windowMs, delay)
        if (this.#fraction > LOW_FRACTION && !this.#pays()) {
          this.#held = true
          this.#fraction = Math.max(LOW_FRACTION, this.#fraction * HOLD_DECAY)
          this.#ceiling = this.#fraction
          return
        }
        this.#ceiling = Math.min(MAX_FRACTION, this.#ceiling + CEILING_STEP)
        if (this.#fraction === 0) {
          if (!ours || delay <= target) {
            this.#aboveSince = undefined
            return
          }
          this.#aboveSince ??= now
          if (now - this.#aboveSince < INTERVAL_MS) return
        }
        const steering = ours ? delay : Math.min(delay, target)
        const error = Math.min(MAX_ERROR, (steering - target) / target)
        const growth = ours ? Math.max(-MAX_ERROR, Math.min(MAX_ERROR, (delay - this.#previousDelayMs) / target)) : 0
        this.#fraction = Math.min(this.#ceiling, Math.max(0, this.#fraction + (error > 0 ? ALPHA : ALPHA_DOWN) * error + BETA * growth))
        if (this.#fraction < 0.005) {
          this.#fraction = 0
          this.#aboveSince = undefined
          this.#ceiling = MAX_FRACTION
        }
      }
    }
  }

  /** One busy window into the averages; the references follow them while little is refused. */
  #weigh(goodput: number, delay: number): void {
    const average = (current: number | undefined, sample: number) => (current === undefined ? sample : current + (sample - current) * AVERAGE_WEIGHT)
    this.#goodput = average(this.#goodput, goodput)
    this.#delayAverage = average(this.#delayAverage, delay)
    if (this.#goodputReference === undefined || this.#fraction <= LOW_FRACTION) {
      this.#goodputReference = this.#goodput
      this.#delayReference = this.#delayAverage
    } else if (this.#goodput > this.#goodputReference) {
      // Refusing made room for more accepted work (big requests): that is the reference now.
      this.#goodputReference = this.#goodput
    }
  }

  /** Whether refusing the current share still pays: it costs little and buys delay. */
  #pays(): boolean {
    if (this.#goodput === undefined || this.#goodputReference === undefined) return true
    if (this.#goodput < GOODPUT_FLOOR * this.#goodputReference) return false
    // Near the target the delay is what the controller steers; its change says nothing.
    if (this.#fraction < DELAY_TEST_FROM || this.#delayAverage! <= NEAR_TARGET * this.targetMs) return true
    return this.#delayAverage! <= this.#delayReference! * (1 - DELAY_GAIN * this.#fraction)
  }
}

/** What the controller measured over one window. */
export interface AdmissionWindow {
  /** performance.now() at the window's end. */
  readonly now: number
  readonly windowMs: number
  /** The least event-loop delay any probe saw in the window. */
  readonly delayMs: number
  /** Event-loop utilisation over the window, 0..1. */
  readonly utilization: number
  /** Ingest requests that reached the door. */
  readonly arrivals: number
  /** Events accepted (queued, or written by the direct writer). */
  readonly acceptedEvents: number
}
