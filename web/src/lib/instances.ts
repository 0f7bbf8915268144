import { REJECT_REASONS } from '../../../shared/ingest.ts'
import type { InstanceLifecycle, MetricsSnapshot } from '../../../shared/metrics.ts'

/** One line of the Instances panel. */
export interface InstanceRow {
  id: string
  pid: number
  state: InstanceLifecycle
  gone: boolean
  /** Ingest requests answered per second, accepted or refused. */
  requestsPerSec: number
  /** Queue fill (0..1), by events or bytes, whichever is fuller. */
  queueFill: number
  loopP99Ms: number
  rssBytes: number
  /** The instance's own bottleneck, when it has one (none for a gone one). */
  bottleneck: string | null
}

/** The fleet's instances in the latest snapshot, as the panel lists them; empty for a lone instance. */
export function instanceRows(latest: MetricsSnapshot | undefined): InstanceRow[] {
  const instances = latest?.instances ?? []
  if (instances.length < 2) return []
  return instances.map((i) => {
    let refused = 0
    for (const reason of REJECT_REASONS) refused += i.perSec.rejected[reason] ?? 0
    const q = i.queue
    return {
      id: i.id,
      pid: i.pid,
      state: i.lifecycle,
      gone: i.lifecycle === 'gone',
      requestsPerSec: i.perSec.requestsAccepted + refused,
      queueFill: Math.max(q.capacityEvents > 0 ? q.events / q.capacityEvents : 0, q.capacityBytes > 0 ? q.bytes / q.capacityBytes : 0),
      loopP99Ms: i.eventLoop.delayP99Ms,
      rssBytes: i.memory.rssBytes,
      bottleneck: i.diagnosis && i.diagnosis.bottleneck !== 'none' ? i.diagnosis.bottleneck : null,
    }
  })
}
