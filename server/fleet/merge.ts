import type { IngestCounts, InstanceSnapshot, MetricsSnapshot } from '../../shared/metrics.ts'
import { diagnose } from '../metrics/diagnosis.ts'
import { addSparse, LOG_BUCKETS, quantileMs } from '../metrics/log-histogram.ts'
import type { Beat } from './beat.ts'
import { mergeGauges } from './gauges.ts'
import { addCounts, isZero, mapCounts, perSecond, scaleCounts, subtractCounts, zeroIngestCounts } from './counts.ts'

/** An instance whose last heartbeat is older than this is gone (three missed beats). */
export const GONE_AFTER_MS = 3_000
/** A gone instance stays in the list this long, so the view shows it died, then is dropped. */
export const GONE_SHOWN_MS = 60_000

/** Another instance's row as the registry read it. */
export interface PeerRow {
  id: string
  /** How old its heartbeat was when read, by the database's clock (no skew between machines). */
  ageMs: number
  beat: Beat
}

interface Peer {
  id: string
  incarnation: string
  beat: Beat
  /** performance.now() and Date.now() when the row was read, and its age then. */
  readAt: number
  readAtEpoch: number
  ageMs: number
  /** Its totals are part of the fleet's (false for one that was gone before this view began). */
  counted: boolean
  /** Counts already in the fleet's ticks, and counts that arrived and wait to be spread over the next ticks. */
  emitted: IngestCounts
  pending: IngestCounts
  pendingLatency: Float64Array
  spreadLeftMs: number
  /** Flushes of beats not yet passed on. */
  flushes: MetricsSnapshot['flushes']
}

const incarnationOf = (beat: Beat) => `${beat.pid}@${beat.startedAt}`

/**
 * Merges this instance's snapshot with the others' heartbeats into the fleet's snapshot.
 *
 * Heartbeats come once a second and ticks four times: a peer's counts from one beat are
 * spread evenly over the next beat's interval rather than landing in one tick, so a
 * rate chart does not jump 4× and back. Counts are whole and nothing is lost: what has
 * arrived is always emitted by the end of the spread, and a peer that goes is emptied
 * at once. So `tick` summed over ticks gives `total`, and `total` never goes back: a
 * peer that dies or restarts keeps what it counted (in `#departed`).
 */
export class FleetView {
  readonly #self: { id: string; pid: number }
  readonly #peers = new Map<string, Peer>()
  #departed = zeroIngestCounts()
  /** Counts of peers that left between ticks, for the next tick. */
  #carry = zeroIngestCounts()
  #polled = false
  /** Peers dropped from the list whose rows the registry still returns (it keeps them 10 minutes): not to be counted again. */
  readonly #forgotten = new Map<string, string>()
  #lastLog: Float64Array | undefined

  constructor(self: { id: string; pid: number }) {
    this.#self = self
  }

  /** Takes one read of the registry: every other instance's row. `now` for tests. */
  observe(rows: readonly PeerRow[], now = performance.now(), nowEpoch = Date.now()): void {
    const first = !this.#polled
    this.#polled = true
    const seen = new Set<string>()
    for (const row of rows) {
      if (row.id === this.#self.id) continue
      seen.add(row.id)
      if (this.#forgotten.get(row.id) === incarnationOf(row.beat)) continue
      this.#forgotten.delete(row.id)
      let peer = this.#peers.get(row.id)
      if (peer && peer.incarnation !== incarnationOf(row.beat)) {
        this.#retire(peer)
        peer = undefined
      }
      const goneNow = row.beat.lifecycle === 'gone' || row.ageMs > GONE_AFTER_MS
      if (!peer) {
        // Present when this view began: its counts so far are in the totals but were no
        // tick of ours. One already gone then ended before this view: it is shown, not counted.
        const baseline = first
        peer = {
          id: row.id,
          incarnation: incarnationOf(row.beat),
          beat: row.beat,
          readAt: now,
          readAtEpoch: nowEpoch,
          ageMs: row.ageMs,
          counted: !(first && goneNow),
          emitted: baseline ? row.beat.total : zeroIngestCounts(),
          pending: baseline ? zeroIngestCounts() : row.beat.total,
          pendingLatency: new Float64Array(LOG_BUCKETS),
          spreadLeftMs: row.beat.intervalMs,
          flushes: [],
        }
        if (!peer.counted) peer.emitted = zeroIngestCounts()
        this.#peers.set(row.id, peer)
        continue
      }
      if (row.beat.beat !== peer.beat.beat) {
        if (!peer.counted && !goneNow) {
          // Back from the dead (it had stalled): counted from here on.
          peer.counted = true
          peer.emitted = row.beat.total
        } else if (peer.counted) {
          peer.pending = subtractCounts(row.beat.total, peer.emitted)
          addSparse(peer.pendingLatency, row.beat.latency)
          peer.flushes.push(...row.beat.flushes)
          peer.spreadLeftMs = row.beat.intervalMs
        }
      }
      peer.beat = row.beat
      peer.readAt = now
      peer.readAtEpoch = nowEpoch
      peer.ageMs = row.ageMs
    }
    for (const peer of this.#peers.values()) if (!seen.has(peer.id)) this.#retire(peer)
    for (const id of this.#forgotten.keys()) if (!seen.has(id)) this.#forgotten.delete(id)
  }

  /** The fleet's snapshot for this tick, from this instance's own. */
  merge(local: MetricsSnapshot, requestLog?: Float64Array, now = performance.now()): MetricsSnapshot {
    const localLog = requestLog ? Float64Array.from(requestLog) : undefined
    const latency = new Float64Array(LOG_BUCKETS)
    if (localLog && this.#lastLog) for (let i = 0; i < LOG_BUCKETS; i++) latency[i] = localLog[i]! - this.#lastLog[i]!
    this.#lastLog = localLog
    let peerRequests = 0

    let tick = local.tick
    let total = local.total
    let tickChanged = false
    const takeCarry = () => {
      if (isZero(this.#carry)) return
      tick = addCounts(tick, this.#carry)
      this.#departed = addCounts(this.#departed, this.#carry)
      this.#carry = zeroIngestCounts()
      tickChanged = true
    }
    takeCarry()
    const live: Peer[] = []
    const instances: InstanceSnapshot[] = [selfInstance(this.#self, local)]
    const flushes = [...local.flushes]
    for (const peer of [...this.#peers.values()].sort((a, b) => a.id.localeCompare(b.id))) {
      const ageMs = peer.ageMs + (now - peer.readAt)
      const gone = peer.beat.lifecycle === 'gone' || ageMs > GONE_AFTER_MS
      if (gone && ageMs > GONE_SHOWN_MS) {
        this.#forgotten.set(peer.id, peer.incarnation)
        this.#retire(peer)
        takeCarry()
        continue
      }
      if (peer.counted) {
        // A gone peer gives the rest of what it counted at once.
        const fraction = gone || peer.spreadLeftMs <= local.elapsedMs ? 1 : local.elapsedMs / peer.spreadLeftMs
        peer.spreadLeftMs = Math.max(0, peer.spreadLeftMs - local.elapsedMs)
        if (!isZero(peer.pending)) {
          const emit = fraction === 1 ? peer.pending : scaleCounts(peer.pending, fraction)
          peer.pending = subtractCounts(peer.pending, emit)
          peer.emitted = addCounts(peer.emitted, emit)
          tick = addCounts(tick, emit)
          tickChanged = true
        }
        for (let i = 0; i < LOG_BUCKETS; i++) {
          const n = peer.pendingLatency[i]!
          if (n === 0) continue
          const part = n * fraction
          latency[i]! += part
          peerRequests += part
          peer.pendingLatency[i] = n - part
        }
        flushes.push(...peer.flushes)
        peer.flushes = []
        total = addCounts(total, peer.emitted)
      }
      if (!gone) live.push(peer)
      instances.push(peerInstance(peer, gone))
    }
    if (!isZero(this.#departed)) total = addCounts(total, this.#departed)
    // Alone (or with gone instances only), the figures are this instance's own, as sent before there was a fleet.
    if (live.length === 0 && !tickChanged && peerRequests === 0) return { ...local, total, instances }

    const requests = local.requestLatency.count + Math.round(peerRequests)
    const merged: Omit<MetricsSnapshot, 'diagnosis'> = {
      ...local,
      tick,
      perSec: tickChanged ? perSecond(tick, local.elapsedMs) : local.perSec,
      total,
      ...mergeGauges(local, live.map((peer) => peer.beat)),
      flushes: flushes.sort((a, b) => a.at - b.at),
      // From the merged buckets once another instance's requests are in; alone, the exact figures.
      requestLatency: peerRequests > 0 && localLog
        ? { count: requests, p50Ms: quantileMs(latency, 0.5), p99Ms: quantileMs(latency, 0.99) }
        : local.requestLatency,
      instances,
    }
    return { ...merged, diagnosis: live.length ? diagnose(merged) : local.diagnosis }
  }

  /** A peer whose incarnation ended: what it counted stays, what was still spreading goes out next tick. */
  #retire(peer: Peer): void {
    if (peer.counted) {
      this.#departed = addCounts(this.#departed, peer.emitted)
      this.#carry = addCounts(this.#carry, peer.pending)
    }
    this.#peers.delete(peer.id)
  }
}

function selfInstance(self: { id: string; pid: number }, s: MetricsSnapshot): InstanceSnapshot {
  return { id: self.id, pid: self.pid, lifecycle: s.lifecycle, seenAt: s.time, perSec: s.perSec, queue: s.queue, inflight: s.inflight, eventLoop: s.eventLoop, memory: s.memory, diagnosis: s.diagnosis }
}

function peerInstance(peer: Peer, gone: boolean): InstanceSnapshot {
  const b = peer.beat
  return {
    id: peer.id,
    pid: b.pid,
    lifecycle: gone ? 'gone' : b.lifecycle,
    seenAt: Math.round(peer.readAtEpoch - peer.ageMs),
    perSec: gone ? mapCounts(b.perSec, b.perSec, () => 0) : b.perSec,
    queue: b.queue,
    inflight: b.inflight,
    eventLoop: b.eventLoop,
    memory: b.memory,
    ...(gone ? {} : { diagnosis: b.diagnosis }),
  }
}
