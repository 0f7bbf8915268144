import { BURST_ERROR_KINDS, type BurstRecord } from '../../shared/bursts.ts'

const FIXED = [
  ['t_s', (p) => p.t / 1000],
  ['target', (p) => p.target],
  ['offered_rps', (p) => p.offeredRate],
  ['sent_rps', (p) => p.sentRate],
  ['achieved_rps', (p) => p.achievedRate],
  ['ok_rps', (p) => p.okRate],
  ['inflight', (p) => p.inflight],
  ['late', (p) => p.late],
  ['skipped', (p) => p.skipped],
  ['p50_ms', (p) => p.latency.p50],
  ['p90_ms', (p) => p.latency.p90],
  // Runs saved before p95 and p99.9 were measured leave these empty.
  ['p95_ms', (p) => p.latency.p95 ?? ''],
  ['p99_ms', (p) => p.latency.p99],
  ['p999_ms', (p) => p.latency.p999 ?? ''],
  ['max_ms', (p) => p.latency.max],
  ['server_rss_bytes', (p) => p.rssBytes],
  ['server_loop_delay_max_ms', (p) => p.loopDelayMaxMs],
  // Runs saved before CPU and warm-up were recorded have neither: their cells stay empty.
  ['warmup', (p) => (p.warmup === undefined ? '' : Number(p.warmup))],
  ['cpu_server_cores', (p) => p.cpu?.server ?? ''],
  ['cpu_database_cores', (p) => p.cpu?.database ?? ''],
  ['cpu_generator_cores', (p) => p.cpu?.generator ?? ''],
] as const satisfies ReadonlyArray<readonly [string, (point: BurstRecord['series'][number]) => number | string]>

/** The per-second series as CSV: fixed columns, then one per status code seen, then errors by kind. */
export function seriesCsv(record: BurstRecord): string {
  const statuses = [...new Set(record.series.flatMap((p) => Object.keys(p.statuses)))].sort()
  const header = [...FIXED.map(([name]) => name), ...statuses.map((s) => `status_${s}`), ...BURST_ERROR_KINDS.map((k) => `errors_${k}`)]
  const rows = record.series.map((p) => [
    ...FIXED.map(([, value]) => value(p)),
    ...statuses.map((s) => p.statuses[s] ?? 0),
    ...BURST_ERROR_KINDS.map((k) => p.errors[k] ?? 0),
  ])
  return [header, ...rows].map((row) => row.join(',')).join('\n') + '\n'
}
