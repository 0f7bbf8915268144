import type { Diagnosis, MetricsSnapshot } from '../../shared/metrics.ts'

/** Loop utilisation from which the CPU counts as the limit. */
const BUSY = 0.9
/** A standing loop delay above this is felt by every request. */
const LATE_MS = 20

const count = (n: number) => Math.round(n).toLocaleString('en-US')
const percent = (fraction: number) => `${Math.round(fraction * 100)} %`
const ms = (value: number) => `${value < 10 ? value.toFixed(1) : Math.round(value)} ms`

/**
 * Which resource ran out, in one word and one sentence, from one tick's snapshot. Computed
 * on the server, so the dashboard, the CLI, Prometheus and a run's summary agree. Checked
 * in order of cause: a dead database explains a full queue, a full queue explains nothing
 * about the CPU.
 */
export function diagnose(s: Omit<MetricsSnapshot, 'diagnosis'>): Diagnosis {
  const rejected = s.perSec.rejected
  const loop = s.eventLoop
  const admission = s.admission
  const fill = Math.max(s.queue.events / s.queue.capacityEvents, s.queue.bytes / s.queue.capacityBytes)
  if (s.lifecycle !== 'serving') return { bottleneck: 'none', detail: `the server is ${s.lifecycle}` }

  if (s.writer.state === 'retrying') {
    return { bottleneck: 'database', detail: `database writes are failing and being retried: queue ${percent(fill)} full, new requests get 503 once it is full` }
  }
  const cpuRefused = rejected.cpu
  if (cpuRefused > 0 || admission.shedding) {
    return {
      bottleneck: 'cpu',
      detail: admission.held
        ? `event loop ${percent(admission.utilization)} busy and ${ms(admission.delayMs)} behind: refusing only ${count(cpuRefused)} req/s (${percent(admission.shedFraction)}), since refusing more would cost accepted events or not bring the delay down (a refusal costs nearly what serving does)`
        : `event loop ${percent(admission.utilization)} busy: refusing ${count(cpuRefused)} req/s (${percent(admission.shedFraction)}) so accepted requests wait ${ms(admission.delayMs)}`,
    }
  }
  const busy = Math.max(loop.utilization, admission.utilization) >= BUSY
  if (busy && loop.delayP99Ms > LATE_MS) {
    const why = admission.mode === 'off' ? 'admission is off, so nothing is refused and every request waits' : 'not refusing yet'
    return { bottleneck: 'cpu', detail: `event loop ${percent(loop.utilization)} busy and ${ms(loop.delayP99Ms)} behind at p99: ${why}` }
  }
  if (rejected.queue_full > 0 || s.readiness.reason?.startsWith('queue')) {
    const committed = count(s.perSec.eventsCommitted)
    if (s.writer.state === 'writing' || s.flushes.length > 0) {
      return {
        bottleneck: 'database',
        detail: `the database commits ${committed} events/s and the queue is ${percent(fill)} full: refusing ${count(rejected.queue_full)} req/s with queue_full`,
      }
    }
    return { bottleneck: 'queue', detail: `the queue is ${percent(fill)} full while the writer waits: refusing ${count(rejected.queue_full)} req/s; a larger queue or a shorter flush interval would take the burst` }
  }
  if (rejected.overloaded > 0) {
    return { bottleneck: 'inflight', detail: `${count(s.inflight.requests)} requests in flight hold the caps: refusing ${count(rejected.overloaded)} req/s` }
  }
  const slow = rejected.timeout + rejected.client_aborted
  if (slow > 0) {
    return { bottleneck: 'clients', detail: `clients send too slowly or leave mid-body: ${count(slow)} req/s timed out or aborted, ${count(s.inflight.requests)} requests in flight on ${count(s.connections.open)} connections` }
  }
  return { bottleneck: 'none', detail: `keeping up: ${count(s.perSec.eventsAccepted)} events/s in, ${count(s.perSec.eventsCommitted)} committed, event loop ${ms(loop.delayP99Ms)} behind at p99` }
}
