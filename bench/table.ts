/** The run as a fixed-width table for the terminal. */
import type { Ratio, ScenarioRow } from './result.ts'

export type Columns<T> = ReadonlyArray<readonly [title: string, cell: (row: T) => string]>

const COLUMNS: Columns<ScenarioRow> = [
  ['scenario', (row) => row.name],
  ['events/s', (row) => num(row.events_per_s)],
  ['req/s', (row) => num(row.requests_per_s)],
  ['p50 ms', (row) => num(row.p50_ms, 2)],
  ['p99 ms', (row) => num(row.p99_ms, 2)],
  ['RSS MB', (row) => num(row.peak_rss_mb, 0)],
  ['loop max ms', (row) => num(row.max_loop_delay_ms, 1)],
  ['rejected', (row) => num(row.rejected)],
  ['lost', (row) => num(row.lost)],
  // Who kept the cores busy: the server (or copy loop), the load generator, PostgreSQL,
  // and anything else on the machine (other people's tests: read that row with care).
  ['cores srv/gen/pg/other', (row) => cores(row)],
]

function cores({ detail: { cpu } }: ScenarioRow): string {
  const own = cpu.server_cores ?? cpu.copy_loop_cores ?? null
  return [own, cpu.load_generator_cores ?? null, cpu.postgres_cores ?? null, cpu.other_cores ?? null]
    .map((value) => (value === null ? '-' : value.toFixed(2)))
    .join('/')
}

export function num(value: number | null, digits = 0): string {
  if (value === null) return '-'
  return value.toLocaleString('en-US', { minimumFractionDigits: digits, maximumFractionDigits: digits })
}

export function formatTable(rows: readonly ScenarioRow[]): string {
  return grid(COLUMNS, rows)
}

/** Rows under titled columns, each as wide as its widest cell. */
export function grid<T>(columns: Columns<T>, rows: readonly T[]): string {
  const cells = [columns.map(([title]) => title), ...rows.map((row) => columns.map(([, cell]) => cell(row)))]
  const widths = columns.map((_, i) => Math.max(...cells.map((line) => line[i]!.length)))
  // The name column reads left to right; the figures line up on their last digit.
  const line = (values: string[]) => values.map((value, i) => (i === 0 ? value.padEnd(widths[i]!) : value.padStart(widths[i]!))).join('  ')
  return [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)].join('\n')
}

export function formatRatios(ratios: Record<string, Ratio>): string {
  return Object.values(ratios)
    .map((r) => `${r.met ? 'ok  ' : 'MISS'} ${r.value === null ? '-' : r.value.toFixed(3)} (target >= ${r.target})  ${r.what}`)
    .join('\n')
}

// Above this many cores of someone else's work during a scenario, its figures are suspect.
const NOISY_OTHER_CORES = 0.3

/** A warning naming the scenarios that shared the machine with other busy processes. */
export function formatNoise(rows: readonly ScenarioRow[]): string {
  const noisy = rows.filter((row) => (row.detail.cpu.other_cores ?? 0) > NOISY_OTHER_CORES)
  if (noisy.length === 0) return ''
  return `note: other processes kept more than ${NOISY_OTHER_CORES} cores busy during ${noisy.map((row) => row.name).join(', ')}: those figures had that much less CPU than the others`
}

/** The spool rows' fdatasync figures: the cost behind their events/s. */
export function formatSpool(rows: readonly ScenarioRow[]): string {
  return rows
    .filter((row) => row.detail.spool)
    .map(({ name, detail: { spool } }) => `${name}: ${num(spool!.fsyncs_per_s)} fdatasyncs/s, ${spool!.events_per_fsync ?? '-'} events per fdatasync, fdatasync p99 ${spool!.fsync_p99_ms ?? '-'} ms`)
    .join('\n')
}
