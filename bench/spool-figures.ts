/** The spool's own figures, read from a Sluice's /metrics at both ends of the measured window. */
import { samples } from './server-metrics.ts'

export interface SpoolReading {
  readonly fsyncs: number
  readonly events: number
  readonly fsyncP99Ms: number | null
}

export interface SpoolFigures {
  readonly fsyncs_per_s: number
  /** Events each fdatasync made durable, on average: group commit at work. */
  readonly events_per_fsync: number | null
  /** p99 of the last few thousand fdatasyncs when the window ended. */
  readonly fsync_p99_ms: number | null
}

function sample(text: string, name: string): number | null {
  for (const line of samples(text)) if (line.name === name) return Number.isFinite(line.value) ? line.value : null
  return null
}

/** Null when the server has no spool (or does not answer). */
export async function readSpool(url: string): Promise<SpoolReading | null> {
  try {
    const text = await (await fetch(`${url}/metrics`, { signal: AbortSignal.timeout(5_000) })).text()
    const fsyncs = sample(text, 'sluice_spool_fsyncs_total')
    const events = sample(text, 'sluice_spool_synced_events_total')
    const p99 = sample(text, 'sluice_spool_fsync_p99_seconds')
    return fsyncs === null || events === null ? null : { fsyncs, events, fsyncP99Ms: p99 === null ? null : p99 * 1000 }
  } catch {
    return null
  }
}

export function spoolFigures(from: SpoolReading | null, to: SpoolReading | null, seconds: number): SpoolFigures | undefined {
  if (!from || !to || seconds <= 0) return undefined
  const fsyncs = to.fsyncs - from.fsyncs
  return {
    fsyncs_per_s: Math.round(fsyncs / seconds),
    events_per_fsync: fsyncs > 0 ? Math.round(((to.events - from.events) / fsyncs) * 10) / 10 : null,
    fsync_p99_ms: to.fsyncP99Ms === null ? null : Math.round(to.fsyncP99Ms * 1000) / 1000,
  }
}
