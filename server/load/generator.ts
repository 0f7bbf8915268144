import { LATE_SEND_MS, SKIP_SEND_MS, warmupMsFor, type RequestKind } from '../../shared/bursts.ts'
import { bodyFactory, type RequestBody } from './bodies.ts'
import { send } from './client.ts'
import { Cutter } from './cutter.ts'
import type { Outcome } from './outcome.ts'
import { requestMix } from './mix.ts'
import type { GeneratorInput, GeneratorMessage, GeneratorResult } from './protocol.ts'
import { arrivals, levelAt, peakLevel } from './shape.ts'
import { RawPool } from './raw-client.ts'
import { Tally, type LatencyByClass } from './tally.ts'
import { openConnections, warmConnections } from './warm-up.ts'

// A request with no answer after this long (plus its drip time) counts as a timeout.
const REQUEST_TIMEOUT_MS = 30_000
// After the duration, answers still in flight get this long before they are cut off as timeouts.
const END_GRACE_MS = 5_000
// How often a closed burst looks at its shape to add or park connections.
const LEVEL_POLL_MS = 10
// An open burst waiting for a free connection looks again at least this often.
const SLOT_POLL_MS = 5
const SECOND_MS = 1_000
// Sends started in one go before the generator yields its thread (each costs ~50-100 µs here).
const SENDS_PER_TURN = 64

export interface RunningGenerator {
  readonly done: Promise<GeneratorResult>
  /** Cuts every request in flight and ends the run; `done` resolves right after. */
  stop(): void
  /** Latency of answered `normal` requests past the warm-up, accepted (2xx) apart from refused (429/503). */
  latencyByClass(): LatencyByClass
}

/** For callers other than the burst runner (the benchmark). */
export interface GeneratorOptions {
  /** Sent as every `normal` request instead of a body built from `spec.body`. */
  readonly normalBody?: RequestBody
  /** Instead of `warmupMsFor(spec)`: 0 when the caller has warmed the server up itself. */
  readonly warmupMs?: number
}

/** Resolves on the next `wake()`, or after `ms` when given. */
class Waker {
  #wakers: Array<() => void> = []
  sleep(ms?: number): Promise<void> {
    return new Promise((resolve) => {
      const wakers = this.#wakers
      const timer = ms === undefined ? undefined : setTimeout(() => {
        const index = wakers.indexOf(done)
        if (index !== -1) wakers.splice(index, 1)
        resolve()
      }, ms)
      wakers.push(done)
      function done() {
        clearTimeout(timer)
        resolve()
      }
    })
  }
  wake(): void {
    for (const done of this.#wakers.splice(0)) done()
  }
}

/**
 * Runs one burst against the target and reports a window every tick and every second.
 * Meant for its own process (worker.ts): its timers and CPU must not be the server's.
 *
 * An open burst first opens connections, then starts its clock (`clock` message); its
 * first `warmupMsFor(spec)` ms count in the ticks and seconds but not in the result.
 * Each request counts in the second it happened in, so a second where the generator
 * itself was late is still its own row, and no second is skipped.
 */
export function startGenerator(input: GeneratorInput, report: (message: GeneratorMessage) => void, options: GeneratorOptions = {}): RunningGenerator {
  const { spec, maxConnections, tickMs } = input
  const open = spec.model === 'open'
  const warmupMs = options.warmupMs ?? warmupMsFor(spec)
  const target = { host: input.host, port: input.port, token: input.token, path: spec.ack === 'commit' ? '/v1/events?wait=commit' : '/v1/events' }
  const dripMs = spec.dripMs ?? 1_000
  const built = bodyFactory(spec.body)
  const { normalBody } = options
  const bodyFor = normalBody ? (kind: RequestKind) => (kind === 'normal' ? normalBody : built(kind)) : built
  const nextKind = requestMix(spec)
  // The open model holds at most maxConnections in flight, a closed one at most its level
  // (validated against the same cap), so no request waits for a connection of the pool.
  const pool = new RawPool(target, maxConnections)
  const cutter = new Cutter()
  // Wakes the open model's pump when a connection frees up.
  const slotFreed = new Waker()
  // Wakes parked closed-model connections when the level changes, and everyone at the end.
  const levelMoved = new Waker()
  const tick = new Tally()
  const second = new Tally()
  const total = new Tally({ byClass: true })
  // Time 0 of the run: set once the warm-up connections are open.
  let t0 = performance.now()
  const elapsed = () => performance.now() - t0
  let inflight = 0
  let eventsAccepted = 0
  let stopped = false
  let cancelWarmUp = () => {}
  // Requests cut off because the end grace ran out count as timeouts; those cut by stop() do not.
  let cutByGrace = false
  const sendingOver = () => stopped || elapsed() >= spec.durationMs
  const levelAtMs = (t: number) => levelAt(spec.shape, Math.min(t, spec.durationMs), spec.durationMs)
  const level = () => levelAtMs(elapsed())

  // The second under way: [secondIndex, secondIndex + 1) s of the run.
  let secondIndex = 0
  let cpuAt = performance.now()
  let cpuBefore = process.cpuUsage()
  /** This process's CPU since the last call, in cores. */
  function ownCpu(): number {
    const used = process.cpuUsage(cpuBefore)
    const wallMs = performance.now() - cpuAt
    cpuBefore = process.cpuUsage()
    cpuAt = performance.now()
    return wallMs > 0 ? Math.round(((used.user + used.system) / 1_000 / wallMs) * 1_000) / 1_000 : 0
  }
  /** Reports every second that has ended by `now` (ms of the run), each with its own counts. */
  function rollSeconds(now: number): void {
    if (now < (secondIndex + 1) * SECOND_MS) return
    // Seconds that end in one roll (this process was starved) share its CPU reading.
    const cpuCores = ownCpu()
    for (; now >= (secondIndex + 1) * SECOND_MS; secondIndex++) {
      const end = (secondIndex + 1) * SECOND_MS
      report({ type: 'second', window: second.window(end, SECOND_MS, levelAtMs(end), inflight, open), cpuCores })
      second.reset()
    }
  }

  /** Counts in the tick and the second; in the run's result only past the warm-up. `at`: the request's intended time. */
  function count(at: number, apply: (tally: Tally) => void): void {
    rollSeconds(elapsed())
    apply(tick)
    apply(second)
    if (at >= warmupMs) apply(total)
  }

  let tickStart = 0
  const emitTick = () => {
    const now = elapsed()
    rollSeconds(now)
    report({ type: 'tick', window: tick.window(now, now - tickStart, level(), inflight, open), sofar: sofar() })
    tick.reset()
    tickStart = now
  }
  const timers = new Set<NodeJS.Timeout>()
  let secondTimer: NodeJS.Timeout | undefined
  // A timeout at each second's end rather than an interval, which drifts by its callbacks' lateness.
  const armSecond = () => {
    secondTimer = setTimeout(() => {
      rollSeconds(elapsed())
      armSecond()
    }, Math.max(1, (secondIndex + 1) * SECOND_MS - elapsed() + 1))
  }
  function startClock(): void {
    t0 = performance.now()
    ownCpu()
    report({ type: 'clock', startedAt: performance.timeOrigin + t0 })
    timers.add(setInterval(emitTick, tickMs))
    armSecond()
    let lastLevel = Math.round(level())
    timers.add(setInterval(() => {
      const now = Math.round(level())
      if (now !== lastLevel) levelMoved.wake()
      lastLevel = now
    }, LEVEL_POLL_MS))
    timers.add(setTimeout(() => {
      levelMoved.wake()
      slotFreed.wake()
    }, spec.durationMs))
  }

  function sofar(): GeneratorResult {
    return {
      runMs: Math.round(Math.min(elapsed(), spec.durationMs)),
      warmupMs,
      intended: total.intended,
      sent: total.sent,
      answered: total.answered,
      ok: total.ok,
      late: total.late,
      skipped: total.skipped,
      statuses: { ...total.statuses },
      errors: { ...total.errors },
      byKind: structuredClone(total.byKind),
      latency: total.latency(),
      eventsAccepted,
    }
  }

  function record(kind: RequestKind, intendedAt: number, outcome: Outcome): void {
    const at = intendedAt - t0
    if ('status' in outcome) {
      const latencyUs = kind === 'normal' ? (performance.now() - intendedAt) * 1_000 : undefined
      count(at, (tally) => tally.countAnswer(kind, outcome.status, latencyUs))
      if (at >= warmupMs) eventsAccepted += outcome.accepted ?? 0
    } else if ('error' in outcome) {
      count(at, (tally) => tally.countError(outcome.error))
    } else if ('cancelled' in outcome && cutByGrace) {
      count(at, (tally) => tally.countError('timeout'))
    }
  }

  /** Starts one request; latency runs from `intendedAt` (performance.now() time), not from now. */
  async function fire(kind: RequestKind, intendedAt: number, late: boolean): Promise<void> {
    inflight++
    count(intendedAt - t0, (tally) => tally.countSent(kind, late))
    const outcome = await send(target, kind, bodyFor(kind), { pool, dripMs, timeoutMs: REQUEST_TIMEOUT_MS + dripMs, cutter })
    inflight--
    record(kind, intendedAt, outcome)
    slotFreed.wake()
  }

  async function connection(index: number): Promise<void> {
    while (!sendingOver()) {
      if (index >= Math.round(level())) {
        await levelMoved.sleep()
        continue
      }
      const now = performance.now()
      count(now - t0, (tally) => tally.intended++)
      await fire(nextKind(), now, false)
    }
  }

  async function closedModel(): Promise<void> {
    await Promise.all(Array.from({ length: Math.ceil(peakLevel(spec.shape)) }, (_, index) => connection(index)))
  }

  async function openModel(): Promise<void> {
    const schedule = arrivals(spec.shape, spec.durationMs)
    let next = schedule.next()
    // Intended send times (ms since start) that are due but have no connection yet.
    let due: number[] = []
    let head = 0
    const sending = new Set<Promise<void>>()
    while (!stopped) {
      const now = elapsed()
      for (; !next.done && next.value <= now; next = schedule.next()) {
        due.push(next.value)
        count(next.value, (tally) => tally.intended++)
      }
      for (; head < due.length && now - due[head]! > SKIP_SEND_MS; head++) count(due[head]!, (tally) => tally.skipped++)
      let turn = 0
      for (; head < due.length && inflight < maxConnections && turn < SENDS_PER_TURN; head++, turn++) {
        const at = due[head]!
        const request = fire(nextKind(), t0 + at, now - at > LATE_SEND_MS)
        sending.add(request)
        void request.finally(() => sending.delete(request))
      }
      if (head > 4096) {
        due = due.slice(head)
        head = 0
      }
      if (turn === SENDS_PER_TURN) {
        // Behind schedule: let answers and the tick timers in before sending the rest.
        await new Promise((resolve) => setImmediate(resolve))
        continue
      }
      const over = now >= spec.durationMs
      // Whatever could not get a connection before the end is skipped, and said so.
      if (over) for (; head < due.length; head++) count(due[head]!, (tally) => tally.skipped++)
      if ((next.done || over) && head >= due.length) break
      const untilNext = next.done ? SLOT_POLL_MS : next.value - now
      await slotFreed.sleep(Math.max(0, head < due.length ? Math.min(untilNext, SLOT_POLL_MS) : untilNext))
    }
    await Promise.all(sending)
  }

  const done = (async (): Promise<GeneratorResult> => {
    const warm = openConnections(pool, warmConnections(spec, maxConnections))
    cancelWarmUp = warm.cancel
    await warm.opened
    startClock()
    const sendingPhase = open ? openModel() : closedModel()
    let graceTimer: NodeJS.Timeout | undefined
    const graceOver = new Promise<'grace'>((resolve) => {
      graceTimer = setTimeout(() => resolve('grace'), spec.durationMs + END_GRACE_MS + dripMs)
    })
    if ((await Promise.race([sendingPhase, graceOver])) === 'grace') cutByGrace = true
    cutter.cutAll()
    await sendingPhase
    clearTimeout(graceTimer)
    for (const timer of timers) clearTimeout(timer)
    clearTimeout(secondTimer)
    emitTick()
    // The last second is cut short where the run ended.
    const end = elapsed()
    if (end > secondIndex * SECOND_MS) {
      report({ type: 'second', window: second.window(end, end - secondIndex * SECOND_MS, level(), inflight, open), cpuCores: ownCpu() })
    }
    pool.destroy()
    return sofar()
  })()

  return {
    done,
    stop() {
      stopped = true
      cancelWarmUp()
      cutter.cutAll()
      levelMoved.wake()
      slotFreed.wake()
    },
    latencyByClass: () => total.latencyByClass()!,
  }
}
