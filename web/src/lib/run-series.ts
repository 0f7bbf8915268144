import type { BurstRecord } from '../../../shared/bursts.ts'

/** One second of a past run, ready to chart: x is seconds since the run started. */
export interface RunRow {
  s: number
  offered: number
  achieved: number
  ok: number
  /** Answers that were not 2xx, per second. */
  refused: number
  p50: number | null
  p90: number | null
  p95: number | null
  p99: number | null
  rssMb: number
  lagMaxMs: number
  /** Cores busy; null for runs recorded before CPU was measured, or without a figure (an external database). */
  cpuServer: number | null
  cpuDatabase: number | null
  cpuGenerator: number | null
  [status: `status_${string}`]: number
}

const MB = 1024 * 1024

export function runRows(record: BurstRecord): RunRow[] {
  return record.series.map((point) => {
    const perSec = point.durationMs > 0 ? 1000 / point.durationMs : 0
    const answered = point.latency.count > 0
    const row: RunRow = {
      s: Number((point.t / 1000).toFixed(2)),
      offered: point.offeredRate,
      achieved: point.achievedRate,
      ok: point.okRate,
      refused: 0,
      p50: answered ? point.latency.p50 : null,
      p90: answered ? point.latency.p90 : null,
      p95: answered ? (point.latency.p95 ?? null) : null,
      p99: answered ? point.latency.p99 : null,
      rssMb: point.rssBytes / MB,
      lagMaxMs: point.loopDelayMaxMs,
      cpuServer: point.cpu?.server ?? null,
      cpuDatabase: point.cpu?.database ?? null,
      cpuGenerator: point.cpu?.generator ?? null,
    }
    for (const [code, n] of Object.entries(point.statuses)) {
      row[`status_${code}`] = n * perSec
      if (!code.startsWith('2')) row.refused += n * perSec
    }
    return row
  })
}

/** Status codes that appear anywhere in the run, in numeric order. */
export function statusCodes(rows: readonly RunRow[]): string[] {
  const codes = new Set<string>()
  for (const row of rows) for (const key of Object.keys(row)) if (key.startsWith('status_')) codes.add(key.slice(7))
  return [...codes].sort()
}
