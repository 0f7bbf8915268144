import { useMemo } from 'react'
import type { BurstRecord } from '../../../../shared/bursts.ts'
import { count, ms } from '../../lib/format.ts'
import { runRows } from '../../lib/run-series.ts'
import type { Palette } from '../../theme.ts'
import { axisMs } from '../charts/props.ts'
import { RunChart } from './RunChart.tsx'
import { FIGURES } from './RunFigures.tsx'

function ratio(a: number | null, b: number | null): string {
  if (a === null || b === null || a === 0) return '–'
  return `×${(b / a).toFixed(2)}`
}

/** Two runs side by side (A the earlier): every summary figure, and their series overlaid from each run's start. */
export function RunCompare({ a, b, width, palette }: { a: BurstRecord; b: BurstRecord; width: number; palette: Palette }) {
  const rowsA = useMemo(() => runRows(a), [a])
  const rowsB = useMemo(() => runRows(b), [b])
  // Three per row: the figure's padding and border come off each column.
  const chartWidth = Math.floor((width - 24) / 3) - 24
  const nameA = `A: ${a.summary.name}`
  const nameB = `B: ${b.summary.name}`
  const pair = (dataKey: string, label: string) => [
    { key: `a-${dataKey}`, name: `A ${label}`, color: palette.runA, data: rowsA, dataKey },
    { key: `b-${dataKey}`, name: `B ${label}`, color: palette.runB, data: rowsB, dataKey },
  ]
  return (
    <section className="run-compare" aria-label="Comparison" data-a={a.id} data-b={b.id}>
      <table className="compare" aria-label="Compared figures">
        <thead>
          <tr>
            <th scope="col">Figure</th>
            <th scope="col" style={{ color: palette.runA }}>
              {nameA} <small className="muted">{a.id}</small>
            </th>
            <th scope="col" style={{ color: palette.runB }}>
              {nameB} <small className="muted">{b.id}</small>
            </th>
            <th scope="col">B / A</th>
          </tr>
        </thead>
        <tbody>
          {FIGURES.map((f) => {
            const va = f.value(a.summary)
            const vb = f.value(b.summary)
            return (
              <tr key={f.label} data-figure={f.label}>
                <th scope="row">{f.label}</th>
                <td data-side="a">{va === null ? '–' : f.format(va)}</td>
                <td data-side="b">{vb === null ? '–' : f.format(vb)}</td>
                <td>{ratio(va, vb)}</td>
              </tr>
            )
          })}
        </tbody>
      </table>
      <div className="compare-charts">
        <RunChart title="Answered rate, A vs B" width={chartWidth} palette={palette} format={count} lines={pair('achieved', 'answered/s')} />
        <RunChart title="Latency p99, A vs B" width={chartWidth} palette={palette} format={(v) => ms(v)} axis={axisMs} lines={pair('p99', 'p99')} />
        <RunChart title="Refused per second, A vs B" width={chartWidth} palette={palette} format={count} lines={pair('refused', 'non-2xx/s')} />
      </div>
    </section>
  )
}
