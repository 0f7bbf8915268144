/**
 * The metrics snapshot: one per tick (SLUICE_TICK_MS), the `data` of a `metrics` SSE
 * event and the items of `hello.history`. Units are in the names: Ms milliseconds,
 * Bytes bytes, PerSec per second; counts are plain numbers.
 */
import type { AdmissionMode } from './config.ts'
import type { CpuCores } from './cpu.ts'
import type { FlushTrigger, RejectReason, WriterState, WriterStrategy } from './ingest.ts'

/** What the ingest pipeline did: over one tick, per second over that tick, or since start. */
export interface IngestCounts {
  /** Ingest requests whose events were all taken (queued, or written by `direct`). */
  requestsAccepted: number
  eventsAccepted: number
  bytesAccepted: number
  eventsCommitted: number
  /** Events the database refused as data; they went to events_dead_letter. */
  eventsDeadLettered: number
  /** Ingest requests refused, by reason (most are refused before their events are read). */
  rejected: Record<RejectReason, number>
  /** Failed database writes (each one is retried). */
  dbErrors: number
  dbRetries: number
  /** Batches written, by what made them flush. */
  flushes: Record<FlushTrigger, number>
}

/** One batch write, as the batcher recorded it. */
export interface FlushSample {
  /** Epoch ms when the write finished. */
  at: number
  events: number
  bytes: number
  durationMs: number
  trigger: FlushTrigger
  /** Failed attempts before this one succeeded. */
  retries: number
}

export type Lifecycle = 'starting' | 'serving' | 'draining' | 'stopped'

/** The admission controller's state: what it measures, what it steers to, what it refuses. */
export interface AdmissionGauges {
  mode: AdmissionMode
  /** Refusing any new ingest requests on CPU now. */
  shedding: boolean
  /** Fraction of new ingest requests refused (0..1). */
  shedFraction: number
  /** The event-loop delay it steers by, over its last 50 ms window. */
  delayMs: number
  /** What it steers to: adaptive's learned target, or static's fixed limit. */
  targetMs: number
  /** Event-loop utilisation over the last window (0..1). */
  utilization: number
  /** Refusals close their connection too (shedding at the connection level). */
  closing: boolean
  /**
   * Adaptive only: refusing more would cost over a tenth of the events accepted while it
   * refused little, or would not bring the delay down (a refusal costs nearly what serving
   * does), so it refuses less than the delay asks for.
   */
  held: boolean
}

/** Which resource ran out, computed on the server so every view says the same. */
export const BOTTLENECKS = ['none', 'cpu', 'database', 'queue', 'inflight', 'clients'] as const
export type Bottleneck = (typeof BOTTLENECKS)[number]

export interface Diagnosis {
  bottleneck: Bottleneck
  /** One sentence a person can act on, with the figures that back it. */
  detail: string
}

/** The write-ahead spool (SLUICE_DURABILITY=spool) at one moment. */
export interface SpoolSnapshot {
  /** Bytes of segment files on disk, committed records included until their segment goes. */
  bytes: number
  maxBytes: number
  segments: number
  /** Age of the oldest spooled event not yet committed to PostgreSQL; 0 when none. */
  oldestUnwrittenAgeMs: number
  /** Since start. */
  fsyncsTotal: number
  eventsSyncedTotal: number
  /** Over the last second. */
  fsyncsPerSec: number
  /** Events made durable per fdatasync over the last second (0 without any). */
  eventsPerFsync: number
  /** Over the last few thousand fdatasyncs; null before the first. */
  fsyncP99Ms: number | null
  /** Events found in the spool at start past the committed offset, and replayed. */
  replayedAtStart: number
  /** Torn or corrupt records cut at start. */
  tornRecordsCut: number
  /** Why appends are refused (full, or a disk error), or null. */
  refusing: string | null
}

export interface MetricsSnapshot {
  /** Tick sequence number, also the SSE event id: consecutive ticks differ by 1. */
  seq: number
  /** Epoch ms when the tick was taken. */
  time: number
  /** Real time since the previous tick: the denominator of every rate. */
  elapsedMs: number
  lifecycle: Lifecycle
  /** What GET /readyz answers now, and why not when it is not. */
  readiness: { ready: boolean; reason: string | null }
  /** Counts during this tick; summed over ticks they give exact totals. */
  tick: IngestCounts
  /** `tick` divided by `elapsedMs` in seconds. */
  perSec: IngestCounts
  /** Since the server started: the values of the Prometheus counters. */
  total: IngestCounts
  queue: {
    events: number
    bytes: number
    capacityEvents: number
    capacityBytes: number
    /** How long the oldest queued event has waited; 0 when the queue is empty. */
    oldestAgeMs: number
  }
  inflight: {
    requests: number
    /** Bytes reserved by requests being read (Content-Length, or the body limit). */
    bytes: number
  }
  /** Open client connections, read or not: load the server has not even parsed yet shows here first. */
  connections: { open: number }
  /** Cores used over the tick by the server, its embedded PostgreSQL and a running burst's generator. */
  cpu: CpuCores
  admission: AdmissionGauges
  diagnosis: Diagnosis
  /** Every flush that finished during the tick, oldest first. */
  flushes: FlushSample[]
  writer: { strategy: WriterStrategy; state: WriterState }
  /** Null without the spool. */
  spool: SpoolSnapshot | null
  memory: { rssBytes: number; heapUsedBytes: number; heapTotalBytes: number; externalBytes: number }
  /** Event-loop delay over this tick (beyond the monitor's own timer interval) and utilisation (0..1). */
  eventLoop: { delayP50Ms: number; delayP99Ms: number; delayMaxMs: number; utilization: number }
  /** Time the server spent on ingest requests that finished during the tick; null without any. */
  requestLatency: { count: number; p50Ms: number | null; p99Ms: number | null }
  sse: {
    clients: number
    /** Bytes written to SSE clients that their sockets have not taken yet. */
    bufferedBytes: number
    /** Clients dropped since start because they did not keep up. */
    droppedTotal: number
  }
  /**
   * Every instance of the fleet (server/fleet), the one serving this stream first: all
   * the other fields are fleet totals. Alone, it holds this instance only.
   */
  instances: InstanceSnapshot[]
}

/** `gone`: stopped cleanly, or no heartbeat for a few seconds; kept a while so the view shows it died. */
export type InstanceLifecycle = Lifecycle | 'gone'

/** One instance's own figures, as its last heartbeat (or, for the serving one, this tick) had them. */
export interface InstanceSnapshot {
  /** SLUICE_INSTANCE, or host:port/pid. */
  id: string
  pid: number
  lifecycle: InstanceLifecycle
  /** Epoch ms, on the serving instance's clock, when its figures were taken. */
  seenAt: number
  perSec: IngestCounts
  queue: MetricsSnapshot['queue']
  inflight: MetricsSnapshot['inflight']
  eventLoop: MetricsSnapshot['eventLoop']
  memory: MetricsSnapshot['memory']
  diagnosis?: Diagnosis
}
