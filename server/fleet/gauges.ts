import type { WriterState } from '../../shared/ingest.ts'
import type { MetricsSnapshot } from '../../shared/metrics.ts'
import type { Beat } from './beat.ts'

type Gauges = Pick<MetricsSnapshot, 'queue' | 'inflight' | 'connections' | 'cpu' | 'admission' | 'writer' | 'memory' | 'eventLoop'>

/**
 * The fleet's gauges from this instance's snapshot and the live others' last beats:
 * sizes summed, the event loop at its worst, the admission controller refusing most,
 * the writer in its most telling state (docs/fleet.md has the table).
 */
export function mergeGauges(local: MetricsSnapshot, beats: readonly Beat[]): Gauges {
  const sum = (read: (s: Pick<Beat, 'queue' | 'inflight' | 'memory' | 'connections'>) => number) => beats.reduce((n, b) => n + read(b), read(local))
  const worst = (read: (s: Pick<Beat, 'eventLoop'>) => number) => beats.reduce((n, b) => Math.max(n, read(b)), read(local))
  return {
    queue: {
      events: sum((s) => s.queue.events),
      bytes: sum((s) => s.queue.bytes),
      capacityEvents: sum((s) => s.queue.capacityEvents),
      capacityBytes: sum((s) => s.queue.capacityBytes),
      oldestAgeMs: Math.max(local.queue.oldestAgeMs, ...beats.map((b) => b.queue.oldestAgeMs)),
    },
    inflight: { requests: sum((s) => s.inflight.requests), bytes: sum((s) => s.inflight.bytes) },
    connections: { open: sum((s) => s.connections.open) },
    cpu: {
      server: beats.reduce((n, b) => n + b.cpu.server, local.cpu.server),
      database: maxOrNull([local.cpu.database, ...beats.map((b) => b.cpu.database)]),
      generator: sumOrNull([local.cpu.generator, ...beats.map((b) => b.cpu.generator)]),
    },
    admission: beats.reduce((a, b) => (b.admission.shedFraction > a.shedFraction ? b.admission : a), local.admission),
    writer: { strategy: local.writer.strategy, state: writerState([local.writer.state, ...beats.map((b) => b.writer.state)]) },
    memory: {
      rssBytes: sum((s) => s.memory.rssBytes),
      heapUsedBytes: sum((s) => s.memory.heapUsedBytes),
      heapTotalBytes: sum((s) => s.memory.heapTotalBytes),
      externalBytes: sum((s) => s.memory.externalBytes),
    },
    eventLoop: {
      delayP50Ms: worst((s) => s.eventLoop.delayP50Ms),
      delayP99Ms: worst((s) => s.eventLoop.delayP99Ms),
      delayMaxMs: worst((s) => s.eventLoop.delayMaxMs),
      utilization: worst((s) => s.eventLoop.utilization),
    },
  }
}

/** The fleet's writer: retrying if any is, else writing if any is, else this instance's. */
function writerState(states: readonly WriterState[]): WriterState {
  if (states.includes('retrying')) return 'retrying'
  if (states.includes('writing')) return 'writing'
  return states[0]!
}

function maxOrNull(values: ReadonlyArray<number | null>): number | null {
  const present = values.filter((v): v is number => v !== null)
  return present.length ? Math.max(...present) : null
}

function sumOrNull(values: ReadonlyArray<number | null>): number | null {
  const present = values.filter((v): v is number => v !== null)
  return present.length ? present.reduce((a, b) => a + b, 0) : null
}
