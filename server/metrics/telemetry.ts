import type { Registry } from 'prom-client'
import type { KnobChangeRecord } from '../../shared/sse.ts'
import type { Config } from '../config.ts'
import { SseHub } from './sse-hub.ts'
import type { Pipeline } from '../pipeline/pipeline.ts'
import { AnnotationLog } from './annotations.ts'
import { MetricsCore } from './core.ts'
import { cpuSampler, type CpuSampler } from './cpu.ts'
import { createRegistry } from './prometheus.ts'
import { Sampler } from './sampler.ts'
import { TimedLog } from './timed-log.ts'

/** At about 1.6 KiB a snapshot, this caps the ring near 16 MiB however short the tick. */
const MAX_HISTORY_TICKS = 10_000
/**
 * Knob changes kept at most, whatever their age (a preset changes two or three knobs): the
 * `config` event reaches only the dashboards open at that moment, and a reloaded one would
 * lose the marks that explain a spike.
 */
const MAX_KNOB_CHANGES = 500

/** Everything that measures and reports: one core, its two views, and the stream they feed. */
export interface Telemetry {
  readonly metrics: MetricsCore
  readonly sampler: Sampler
  /** The SSE fan-out: publish `burst`, `config` and `annotation` events here. */
  readonly hub: SseHub
  readonly annotations: AnnotationLog
  /** Recent knob changes, for every hello. */
  readonly knobChanges: TimedLog<KnobChangeRecord>
  readonly registry: Registry
  /** Epoch ms. */
  readonly startedAt: number
  start(): void
  /** One last tick, then every stream ends and the monitors stop. Safe to call twice. */
  stop(): void
}

/** `cpu` measures the server, its database and the burst generator once per tick. */
export function createTelemetry(config: Config, pipeline: Pipeline, log: (line: string) => void, cpu: CpuSampler = cpuSampler()): Telemetry {
  const historyMs = config.historySeconds * 1000
  const hub = new SseHub({
    maxClients: config.sseMaxClients,
    historyTicks: Math.min(Math.ceil(historyMs / config.tickMs), MAX_HISTORY_TICKS),
    writeTimeoutMs: config.sseWriteTimeoutMs,
    heartbeatMs: config.sseHeartbeatMs,
    log,
  })
  const metrics = new MetricsCore(pipeline, hub)
  const sampler = new Sampler({ core: metrics, cpu, tickMs: config.tickMs, publish: (snapshot, json) => hub.publishTick(snapshot.seq, json), log })
  let stopped = false
  return {
    metrics,
    sampler,
    hub,
    annotations: new AnnotationLog(historyMs),
    knobChanges: new TimedLog<KnobChangeRecord>(historyMs, MAX_KNOB_CHANGES),
    registry: createRegistry(metrics),
    startedAt: Date.now(),
    start: () => sampler.start(),
    stop() {
      if (stopped) return
      stopped = true
      sampler.stop()
      hub.close()
      metrics.close()
    },
  }
}
