/** The "Overload (CPU admission)" section of the printed table: one line per overload scenario. */
import type { LatencyStats } from '../shared/bursts.ts'
import { overloadTargets } from './overload-targets.ts'
import type { OverloadFigures, ScenarioRow } from './result.ts'
import { grid, num, type Columns } from './table.ts'

type OverloadRow = ScenarioRow & { readonly detail: { readonly overload: OverloadFigures } }

const ms = (value: number | null | undefined) => (value === null || value === undefined ? '-' : num(value, value < 10 ? 2 : 0))
const p99 = (stats: LatencyStats) => (stats.count > 0 ? ms(stats.p99) : '-')
const percent = (part: number, whole: number) => (whole > 0 ? `${((100 * part) / whole).toFixed(1)}` : '-')

/** `off`'s twin of an adaptive row, if it ran. */
function twin(row: OverloadRow, rows: readonly OverloadRow[]): OverloadRow | undefined {
  return row.detail.overload.admission === 'adaptive' ? rows.find((other) => other.name === row.name.replace(/-adaptive$/, '-off')) : undefined
}

function columns(rows: readonly OverloadRow[]): Columns<OverloadRow> {
  return [
    ['scenario', (row) => row.name],
    ['asked req/s', (row) => (row.detail.overload.asked_requests_per_s === null ? `closed ${row.detail.connections}c` : num(row.detail.overload.asked_requests_per_s))],
    ['sent req/s', (row) => num(row.detail.overload.sent_requests_per_s)],
    // '!' marks a generator that could not offer the rate asked (footnote).
    ['late/skip %', ({ detail: { overload: o } }) => `${percent(o.late, o.intended)}/${percent(o.skipped, o.intended)}${o.generator_saturated ? ' !' : ''}`],
    ['events/s', (row) => num(row.events_per_s)],
    ['x peak', (row) => (row.detail.overload.committed_vs_peak === null ? '-' : row.detail.overload.committed_vs_peak.toFixed(2))],
    ['acc p99', (row) => p99(row.detail.overload.client_accepted_ms)],
    ['ref p99', (row) => p99(row.detail.overload.client_refused_ms)],
    ['srv acc p99', (row) => ms(row.detail.overload.server_accepted_ms.p99) + (row.detail.overload.server_accepted_ms.p99_beyond_last_bucket ? '+' : '')],
    ['srv ref p99', (row) => ms(row.detail.overload.server_refused_ms.p99)],
    ['loop p99/max', (row) => `${ms(row.detail.overload.loop_delay_p99_ms)}/${ms(row.detail.overload.loop_delay_max_ms)}`],
    ['RSS MB', (row) => num(row.peak_rss_mb)],
    ['refused cpu/queue/ovl', ({ detail: { overload: o } }) => ['cpu', 'queue_full', 'overloaded'].map((reason) => num(o.rejected_by_reason[reason] ?? 0)).join('/')],
    ['lost', (row) => num(row.lost)],
    ['adaptive vs off', (row) => {
      const off = twin(row, rows)
      if (!off) return ''
      const ratio = (o: OverloadFigures) => (o.committed_vs_peak === null ? '-' : o.committed_vs_peak.toFixed(2))
      return `x${ratio(row.detail.overload)} vs x${ratio(off.detail.overload)}, acc p99 ${p99(row.detail.overload.client_accepted_ms)} vs ${p99(off.detail.overload.client_accepted_ms)} ms`
    }],
  ]
}

const FOOTNOTES = [
  'asked: a multiple of the peak scenario\'s committed events/s (open model: fixed arrival rate), or greedy closed connections.',
  'late/skip: intended sends that left over 10 ms late / never left (over 1 s behind). "!" = over 1 %: the generator did not offer the rate',
  '  asked. It shares the machine\'s cores with the server and PostgreSQL (generator cores: main table, and detail.cpu in latest.json).',
  'acc/ref p99 ms: client side, from each request\'s intended send time (2xx / 429 or 503). srv: the server\'s own request histogram,',
  '  bucket-interpolated (0.5 ms to 10 s, 1-2-5 steps; "+": beyond 10 s); it starts when the server reads the request, so time spent',
  '  in socket buffers before that is only in the client figure. loop: event-loop delay from the window\'s start to the load\'s end.',
]

/** The section, or '' when no overload scenario ran. */
export function formatOverloadSection(all: readonly ScenarioRow[]): string {
  const rows = all.filter((row): row is OverloadRow => row.detail.overload !== undefined)
  if (rows.length === 0) return ''
  const targets = rows.flatMap((row) => {
    const checks = overloadTargets(row)
    if (checks.length === 0) return []
    const text = checks.map((c) => `${c.met ? 'ok' : 'MISS'} ${c.what} ${c.value === null ? '-' : num(c.value, c.value < 10 ? 2 : 0)} ${c.atLeast ? '>=' : '<='} ${c.limit}`)
    return [`${row.name}: ${text.join('; ')}`]
  })
  return ['Overload (CPU admission)', grid(columns(rows), rows), ...FOOTNOTES, ...(targets.length > 0 ? ['targets:', ...targets] : [])].join('\n')
}
