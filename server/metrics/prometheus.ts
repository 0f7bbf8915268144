import { collectDefaultMetrics, Registry, type Metric } from 'prom-client'
import { FLUSH_TRIGGERS, REJECT_REASONS, WRITER_STRATEGIES, type WriterState } from '../../shared/ingest.ts'
import type { SpoolSnapshot } from '../../shared/metrics.ts'
import { REQUEST_OUTCOMES, type MetricsCore } from './core.ts'
import type { BucketHistogram } from './histogram.ts'

type MetricType = 'counter' | 'gauge' | 'histogram' | 'summary'

interface Sample {
  value: number
  labels?: Record<string, string | number>
  /** For the `_bucket`, `_sum` and `_count` series of histograms and summaries. */
  metricName?: string
}

const WRITER_STATES: readonly WriterState[] = ['idle', 'writing', 'retrying', 'stopped']

/**
 * Registers a family whose samples are read from the core at each scrape, so /metrics
 * shows the very numbers the stream shows. prom-client renders any object with a name,
 * help, type and get(); its typings admit only its own classes, hence the cast.
 */
function family(registry: Registry, name: string, help: string, type: MetricType, read: () => Sample[]): void {
  const metric = {
    name,
    help,
    type,
    aggregator: 'sum',
    get: async () => ({ name, help, type, aggregator: 'sum', values: read() }),
    reset: () => {},
  }
  registry.registerMetric(metric as unknown as Metric)
}

const one = (value: number): Sample[] => [{ value }]

function histogramSamples(name: string, histogram: BucketHistogram, labels: Record<string, string> = {}): Sample[] {
  const cumulative = histogram.cumulative()
  const samples: Sample[] = histogram.bounds.map((le, i) => ({ metricName: `${name}_bucket`, labels: { ...labels, le }, value: cumulative[i]! }))
  samples.push({ metricName: `${name}_bucket`, labels: { ...labels, le: '+Inf' }, value: histogram.count })
  samples.push({ metricName: `${name}_sum`, labels, value: histogram.sum }, { metricName: `${name}_count`, labels, value: histogram.count })
  return samples
}

/** Quantiles over the last tick (NaN when it had no samples), sum and count since start. */
function summarySamples(name: string, quantiles: Array<[number, number | null]>, sum: number, count: number): Sample[] {
  const samples: Sample[] = quantiles.map(([quantile, value]) => ({ labels: { quantile }, value: value ?? Number.NaN }))
  samples.push({ metricName: `${name}_sum`, value: sum }, { metricName: `${name}_count`, value: count })
  return samples
}

/** A registry with Sluice's families, read from `core`, and prom-client's process_* and nodejs_*. */
export function createRegistry(core: MetricsCore): Registry {
  const registry = new Registry()
  const { pipeline, stats } = core
  const counter = (name: string, help: string, read: () => number) => family(registry, name, help, 'counter', () => one(read()))
  const gauge = (name: string, help: string, read: () => number) => family(registry, name, help, 'gauge', () => one(read()))

  family(registry, 'sluice_requests_total', 'Ingest requests answered, by HTTP status.', 'counter', () =>
    [...stats.requestsByStatus].sort(([a], [b]) => a - b).map(([status, value]) => ({ labels: { status }, value })))
  counter('sluice_requests_accepted_total', 'Ingest requests whose events were all taken.', () => stats.requestsAccepted)
  counter('sluice_events_accepted_total', 'Events taken by the ingest route.', () => stats.eventsAccepted)
  counter('sluice_bytes_accepted_total', 'Bytes of accepted events.', () => stats.bytesAccepted)
  family(registry, 'sluice_events_rejected_total', 'Ingest requests refused, by reason: counted per request, as most are refused before their events are read.', 'counter', () =>
    REJECT_REASONS.map((reason) => ({ labels: { reason }, value: stats.rejectedRequests[reason] })))
  counter('sluice_events_committed_total', 'Events committed to PostgreSQL.', () => stats.eventsCommitted)
  counter('sluice_events_dead_lettered_total', 'Events the database refused as data, kept in events_dead_letter.', () => stats.deadLettered)

  const gauges = () => pipeline.gauges()
  gauge('sluice_queue_events', 'Events waiting in the queue.', () => gauges().queue.events)
  gauge('sluice_queue_bytes', 'Bytes waiting in the queue.', () => gauges().queue.bytes)
  gauge('sluice_queue_capacity_events', 'Queue capacity in events.', () => gauges().queue.capacityEvents)
  gauge('sluice_queue_capacity_bytes', 'Queue capacity in bytes.', () => gauges().queue.capacityBytes)
  gauge('sluice_queue_oldest_age_seconds', 'How long the oldest queued event has waited; 0 when empty.', () => gauges().queue.oldestAgeMs / 1000)
  gauge('sluice_inflight_requests', 'Ingest requests being read or processed.', () => gauges().inflight.requests)
  gauge('sluice_inflight_bytes', 'Body bytes held by ingest requests in flight, counted as they arrive.', () => gauges().inflight.bytes)
  gauge('sluice_ready', '1 when /readyz says ready.', () => (gauges().notReady === null ? 1 : 0))
  gauge('sluice_connections_open', 'Client connections open, read or not.', () => core.openConnections)
  gauge('sluice_admission_shed_ratio', 'Share of new ingest requests refused on CPU (0..1).', () => gauges().admission.shedFraction)
  gauge('sluice_admission_delay_seconds', 'Event-loop delay the admission controller steers by.', () => gauges().admission.delayMs / 1000)
  gauge('sluice_admission_target_seconds', 'Event-loop delay the admission controller steers to.', () => gauges().admission.targetMs / 1000)

  // The spool's families are empty without it (SLUICE_DURABILITY=memory).
  const spool = (name: string, help: string, type: MetricType, read: (stats: SpoolSnapshot) => number) =>
    family(registry, name, help, type, () => {
      const stats = gauges().spool
      return stats ? one(read(stats)) : []
    })
  spool('sluice_spool_bytes', 'Bytes of spool segments on disk.', 'gauge', (s) => s.bytes)
  spool('sluice_spool_max_bytes', 'The spool\'s cap (SLUICE_SPOOL_MAX_BYTES).', 'gauge', (s) => s.maxBytes)
  spool('sluice_spool_segments', 'Spool segment files on disk.', 'gauge', (s) => s.segments)
  spool('sluice_spool_oldest_unwritten_age_seconds', 'Age of the oldest spooled event not yet committed; 0 when none.', 'gauge', (s) => s.oldestUnwrittenAgeMs / 1000)
  spool('sluice_spool_fsyncs_total', 'fdatasync calls made by the spool.', 'counter', (s) => s.fsyncsTotal)
  spool('sluice_spool_synced_events_total', 'Events made durable by the spool (divide by fsyncs for events per fsync).', 'counter', (s) => s.eventsSyncedTotal)
  spool('sluice_spool_fsync_p99_seconds', 'p99 of the last few thousand fdatasync latencies.', 'gauge', (s) => (s.fsyncP99Ms ?? Number.NaN) / 1000)
  spool('sluice_spool_replayed_events', 'Events replayed from the spool at start.', 'gauge', (s) => s.replayedAtStart)
  spool('sluice_spool_torn_records', 'Torn or corrupt records cut from the spool at start.', 'gauge', (s) => s.tornRecordsCut)
  spool('sluice_spool_refusing', '1 while the spool refuses appends (full, or a disk error).', 'gauge', (s) => (s.refusing === null ? 0 : 1))

  family(registry, 'sluice_flushes_total', 'Batches written, by what made them flush.', 'counter', () => {
    const { byTrigger } = core.flushFigures()
    return FLUSH_TRIGGERS.map((trigger) => ({ labels: { trigger }, value: byTrigger[trigger] }))
  })
  family(registry, 'sluice_flush_events', 'Events per batch written.', 'histogram', () => histogramSamples('sluice_flush_events', core.flushFigures().events))
  family(registry, 'sluice_flush_seconds', 'Time to write one batch, retries included.', 'histogram', () => histogramSamples('sluice_flush_seconds', core.flushFigures().seconds))
  counter('sluice_db_errors_total', 'Failed database writes.', () => stats.dbErrors)
  counter('sluice_db_retries_total', 'Database writes retried after a failure.', () => stats.dbRetries)
  family(registry, 'sluice_writer_state', 'The writer\'s state: 1 for the current one.', 'gauge', () =>
    WRITER_STATES.map((state) => ({ labels: { state }, value: stats.writerState === state ? 1 : 0 })))
  family(registry, 'sluice_writer_strategy', 'The writer strategy in use: 1 for the current one.', 'gauge', () =>
    WRITER_STRATEGIES.map((strategy) => ({ labels: { strategy }, value: gauges().writer.strategy === strategy ? 1 : 0 })))

  family(registry, 'sluice_event_loop_delay_seconds', 'Event-loop delay over the last tick (quantile 1 is the max); sum and count since start.', 'summary', () => {
    const loop = core.lastLoop
    return summarySamples('sluice_event_loop_delay_seconds', [[0.5, loop.delayP50Ms / 1000], [0.99, loop.delayP99Ms / 1000], [1, loop.delayMaxMs / 1000]], core.loopDelaySumSeconds, core.loopDelayCount)
  })
  family(registry, 'sluice_event_loop_delay_seconds_histogram', 'Event-loop delay: how late each 2 ms probe firing came, since start.', 'histogram', () =>
    histogramSamples('sluice_event_loop_delay_seconds_histogram', core.loopDelaySeconds))
  gauge('sluice_event_loop_utilization', 'Share of the last tick the event loop was busy (0..1).', () => core.lastLoop.utilization)
  family(registry, 'sluice_request_duration_seconds', 'Server-side time of ingest requests: quantiles over the last tick, sum and count since start.', 'summary', () => {
    const latency = core.lastLatency
    const seconds = (ms: number | null) => (ms === null ? null : ms / 1000)
    return summarySamples('sluice_request_duration_seconds', [[0.5, seconds(latency.p50Ms)], [0.99, seconds(latency.p99Ms)]], core.requestSecondsSum, core.requestCount)
  })
  // A family of its own beside the summary above: one name cannot be both types, and the
  // summary's per-tick quantiles stay for existing dashboards. Buckets since start take
  // differences: any window's distribution, split by what became of the request.
  family(registry, 'sluice_request_duration_seconds_histogram', 'Server-side time of ingest requests by outcome (accepted: 2xx; refused: any other answer), since start.', 'histogram', () =>
    REQUEST_OUTCOMES.flatMap((outcome) => histogramSamples('sluice_request_duration_seconds_histogram', core.requestSeconds[outcome], { outcome })))

  counter('sluice_burst_requests_sent_total', 'Requests sent by load bursts\' generators (warm-ups included).', () => core.burstRequests.sent)
  counter('sluice_burst_requests_late_total', 'Burst requests sent more than 10 ms after their intended time.', () => core.burstRequests.late)
  counter('sluice_burst_requests_skipped_total', 'Burst requests not sent: over 1 s behind their schedule, or still due when the burst ended.', () => core.burstRequests.skipped)

  gauge('sluice_sse_clients', 'Clients connected to /api/stream.', () => core.sse.clients)
  gauge('sluice_sse_buffered_bytes', 'Bytes written to stream clients and not yet taken by their sockets.', () => core.sse.bufferedBytes)
  counter('sluice_sse_dropped_total', 'Stream clients dropped because they did not keep up.', () => core.sse.droppedTotal)

  collectDefaultMetrics({ register: registry })
  return registry
}
