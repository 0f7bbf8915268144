import { LATE_SEND_MS, SKIP_SEND_MS, warmupMsFor, type RequestKind } from '../../shared/bursts.ts'
import { bodyFactory, type RequestBody } from './bodies.ts'
import { send } from './client.ts'
import { Cutter } from './cutter.ts'
import type { Outcome } from './outcome.ts'
import { requestMix } from './mix.ts'
import type { GeneratorInput, GeneratorMessage, GeneratorResult } from './protocol.ts'
import { RawPool } from './raw-client.ts'
import { arrivalsOf, levelAt, peakLevel } from './shape.ts'
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
  /** Sets the level (requests/s or connections) from now to the end of the run; says when it took over and what it replaced. */
  setLevel(level: number): { t: number; from: number; to: number }
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
  let clockStarted = false
  // A level set by hand mid-run replaces the shape from its time on.
  let override: { fromMs: number; level: number } | null = null
  // An open burst's schedule is rebuilt from here on at the next turn of its pump.
  let rescheduleAt: number | null = null
  const levelAtMs = (t: number) => (override && t >= override.fromMs ? override.level : levelAt(spec.shape, Math.min(t, spec.durationMs), spec.durationMs))
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
    report({ type: 'tick', window: tick.window(now, now - tickStart, level(), inflight, open), sofar: sofar(), sent: tick.sent })
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
    clockStarted = true
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

  // Closed model: one loop per connection the level may need; a raised level adds loops.
  const connections: Array<Promise<void>> = []
  function addConnections(wanted: number): void {
    while (connections.length < Math.ceil(wanted)) connections.push(connection(connections.length))
  }

  async function closedModel(): Promise<void> {
    addConnections(Math.max(peakLevel(spec.shape), override?.level ?? 0))
    // Loops added while waiting are waited for too.
    for (let i = 0; i < connections.length; i++) await connections[i]
  }

  async function openModel(): Promise<void> {
    let schedule = arrivalsOf(levelAtMs, spec.durationMs)
    let next = schedule.next()
    // Intended send times (ms since start) that are due but have no connection yet.
    let due: number[] = []
    let head = 0
    const sending = new Set<Promise<void>>()
    while (!stopped) {
      const now = elapsed()
      if (rescheduleAt !== null) {
        // Sends already due keep their times; the rest follow the new level.
        for (; !next.done && next.value <= now; next = schedule.next()) {
          due.push(next.value)
          count(next.value, (tally) => tally.intended++)
        }
        schedule = arrivalsOf(levelAtMs, spec.durationMs, rescheduleAt)
        next = schedule.next()
        rescheduleAt = null
      }
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
      // Once a level was set by hand, a finished schedule (a rate of 0, say) waits out the
      // duration: another may start a new one. Untouched, the run ends with its last send.
      if ((over || (next.done && override === null)) && head >= due.length) break
      const untilNext = next.done ? (override === null ? SLOT_POLL_MS : spec.durationMs - now) : next.value - now
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
    setLevel(to: number) {
      const t = clockStarted ? Math.min(elapsed(), spec.durationMs) : 0
      const from = levelAtMs(t)
      override = { fromMs: t, level: to }
      if (open) rescheduleAt = t
      else if (clockStarted && !sendingOver()) addConnections(to)
      levelMoved.wake()
      slotFreed.wake()
      return { t: Math.round(t), from: Math.round(from * 10) / 10, to }
    },
  }
}
