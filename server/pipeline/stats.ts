import { REJECT_REASONS, type FlushTrigger, type RejectReason, type WriterState } from '../../shared/ingest.ts'
import { zeroCounts } from '../../shared/records.ts'

export interface FlushRecord {
  /** Epoch ms when the flush finished. */
  readonly at: number
  readonly events: number
  readonly bytes: number
  readonly durationMs: number
  readonly trigger: FlushTrigger
  /** Write attempts that failed before this one succeeded. */
  readonly retries: number
}

const FLUSH_HISTORY = 4096

/**
 * The pipeline's own counters, in one place: the ingest route, the batcher and the
 * writer add to them; metrics and shutdown read them. Plain numbers on the hot path.
 */
export class PipelineStats {
  requests = 0
  requestsByStatus = new Map<number, number>()
  /** Ingest requests whose events were all taken (queued, or written by `direct`). */
  requestsAccepted = 0
  eventsAccepted = 0
  eventsCommitted = 0
  bytesAccepted = 0
  rejectedRequests = zeroCounts(REJECT_REASONS)
  dbErrors = 0
  dbRetries = 0
  /** Events the database refused as data (not transient) and that went to events_dead_letter. */
  deadLettered = 0
  writerState: WriterState = 'idle'
  /** Flushes since start; `flushes` keeps the last FLUSH_HISTORY of them. */
  flushCount = 0
  readonly flushes: FlushRecord[] = []

  countStatus(status: number): void {
    this.requests++
    this.requestsByStatus.set(status, (this.requestsByStatus.get(status) ?? 0) + 1)
  }

  reject(reason: RejectReason): void {
    this.rejectedRequests[reason]++
  }

  recordFlush(flush: FlushRecord): void {
    this.flushCount++
    this.flushes.push(flush)
    if (this.flushes.length > FLUSH_HISTORY) this.flushes.splice(0, this.flushes.length - FLUSH_HISTORY)
  }

  /** Flushes recorded after the `flushCount` a reader saw last time. */
  flushesSince(count: number): FlushRecord[] {
    const fresh = Math.min(this.flushCount - count, this.flushes.length)
    return fresh > 0 ? this.flushes.slice(-fresh) : []
  }
}
