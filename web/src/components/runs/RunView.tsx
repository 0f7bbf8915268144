import { useMemo } from 'react'
import type { BurstRecord } from '../../../../shared/bursts.ts'
import { count, ms } from '../../lib/format.ts'
import { loadChangeText } from '../../lib/overlays.ts'
import { runRows, statusCodes } from '../../lib/run-series.ts'
import type { Palette } from '../../theme.ts'
import { axisMs } from '../charts/props.ts'
import { ExportLinks } from './ExportLinks.tsx'
import { ReportButton } from './ReportButton.tsx'
import { RunChart } from './RunChart.tsx'
import { RunFigures } from './RunFigures.tsx'

const STATUS_COLOURS: Record<string, string> = { '2': '#22c55e', '4': '#f97316', '5': '#ef4444' }
const GAP = 12
// A figure's padding and border.
const FRAME = 22

/** Charts per row that leave each one readable: two from a tablet up, one on a phone. */
export const runChartWidth = (width: number, minWidth: number, most: number) => {
  const columns = Math.max(1, Math.min(most, Math.floor((width + GAP) / (minWidth + GAP))))
  return Math.floor((width - GAP * (columns - 1)) / columns) - FRAME
}

/** One past run: its summary, its per-second charts and its downloads. */
export function RunView({ record, width, palette }: { record: BurstRecord; width: number; palette: Palette }) {
  const rows = useMemo(() => runRows(record), [record])
  const codes = useMemo(() => statusCodes(rows), [rows])
  const chartWidth = runChartWidth(width, 340, 2)
  const s = record.summary
  const hasP95 = rows.some((r) => r.p95 !== null)
  const loadMarks = useMemo(() => (record.summary.loadChanges ?? []).map((c) => ({ s: Math.round(c.t / 100) / 10, text: loadChangeText(record.summary.model, c) })), [record])
  const cpuLines = (
    [
      ['cpuServer', 'server', palette.accepted],
      ['cpuDatabase', 'database', palette.committed],
      ['cpuGenerator', 'generator', palette.age],
    ] as const
  )
    .filter(([key]) => rows.some((r) => r[key] !== null))
    .map(([key, name, color]) => ({ key, name, color, data: rows, dataKey: key }))
  return (
    <section className="run-view" aria-label={`Run ${s.name}`} data-run-id={record.id}>
      <header className="run-head">
        <h3>
          {s.name} <small className="muted">{record.id}</small>
        </h3>
        <span className="run-actions">
          <ReportButton record={record} />
          <ExportLinks id={record.id} name={s.name} />
        </span>
      </header>
      <RunFigures summary={s} />
      <div className="run-charts">
        <RunChart
          title="Request rate"
          width={chartWidth}
          palette={palette}
          format={count}
          marks={loadMarks}
          lines={[
            { key: 'offered', name: 'offered/s', color: palette.offered, data: rows, dataKey: 'offered', dashed: true },
            { key: 'achieved', name: 'answered/s', color: palette.achieved, data: rows, dataKey: 'achieved' },
            { key: 'ok', name: '2xx/s', color: palette.ok, data: rows, dataKey: 'ok' },
          ]}
        />
        <RunChart
          title="Client latency"
          width={chartWidth}
          palette={palette}
          format={(v) => ms(v)}
          axis={axisMs}
          lines={[
            { key: 'p50', name: 'p50', color: palette.p50, data: rows, dataKey: 'p50' },
            { key: 'p90', name: 'p90', color: palette.p90, data: rows, dataKey: 'p90' },
            ...(hasP95 ? [{ key: 'p95', name: 'p95', color: palette.p95, data: rows, dataKey: 'p95' }] : []),
            { key: 'p99', name: 'p99', color: palette.p99, data: rows, dataKey: 'p99' },
          ]}
        />
        <RunChart
          title="Answers by status"
          width={chartWidth}
          palette={palette}
          format={count}
          lines={codes.map((code) => ({ key: code, name: `${code}/s`, color: STATUS_COLOURS[code[0]!] ?? palette.text, data: rows, dataKey: `status_${code}`, dashed: code[0] !== '2' && code !== '429' }))}
        />
        <RunChart
          title="Server RSS and event-loop delay"
          width={chartWidth}
          palette={palette}
          format={count}
          lines={[
            { key: 'rss', name: 'RSS (MB)', color: palette.rss, data: rows, dataKey: 'rssMb' },
            { key: 'lag', name: 'max loop delay (ms)', color: palette.max, data: rows, dataKey: 'lagMaxMs' },
          ]}
        />
        {cpuLines.length > 0 && <RunChart title="CPU (cores busy)" width={chartWidth} palette={palette} format={(v) => v.toFixed(2)} lines={cpuLines} />}
      </div>
    </section>
  )
}
