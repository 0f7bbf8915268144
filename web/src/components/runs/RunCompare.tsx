import { useMemo } from 'react'
import type { BurstRecord } from '../../../../shared/bursts.ts'
import { RUN_FIGURES, saturationNote } from '../../../../shared/run-figures.ts'
import { count, ms } from '../../lib/format.ts'
import { runRows } from '../../lib/run-series.ts'
import type { Palette } from '../../theme.ts'
import { axisMs } from '../charts/props.ts'
import { RunChart } from './RunChart.tsx'
import { runChartWidth } from './RunView.tsx'

function ratio(a: number | null, b: number | null): string {
  if (a === null || b === null || a === 0) return '–'
  return `×${(b / a).toFixed(2)}`
}

/** Two runs side by side (A the earlier): every summary figure, and their series overlaid from each run's start. */
export function RunCompare({ a, b, width, palette }: { a: BurstRecord; b: BurstRecord; width: number; palette: Palette }) {
  const rowsA = useMemo(() => runRows(a), [a])
  const rowsB = useMemo(() => runRows(b), [b])
  const chartWidth = runChartWidth(width, 300, 3)
  const nameA = `A: ${a.summary.name}`
  const nameB = `B: ${b.summary.name}`
  const pair = (dataKey: string, label: string) => [
    { key: `a-${dataKey}`, name: `A ${label}`, color: palette.runA, data: rowsA, dataKey },
    { key: `b-${dataKey}`, name: `B ${label}`, color: palette.runB, data: rowsB, dataKey },
  ]
  const notes = [
    ['A', saturationNote(a.summary)],
    ['B', saturationNote(b.summary)],
  ].filter((n): n is [string, string] => n[1] !== null)
  return (
    <section className="run-compare" aria-label="Comparison" data-a={a.id} data-b={b.id}>
      {notes.map(([side, note]) => (
        <p key={side} className="warn-text generator-behind" role="note" data-side={side.toLowerCase()}>
          ⚠ Run {side}: {note}
        </p>
      ))}
      <div className="table-scroll">
        <table className="compare" aria-label="Compared figures">
          <thead>
            <tr>
              <th scope="col">Figure</th>
              <th scope="col" style={{ color: palette.runA }}>
                {nameA} <small className="muted" title={a.id}>{a.id.slice(0, 8)}</small>
              </th>
              <th scope="col" style={{ color: palette.runB }}>
                {nameB} <small className="muted" title={b.id}>{b.id.slice(0, 8)}</small>
              </th>
              <th scope="col">B / A</th>
            </tr>
          </thead>
          <tbody>
            {RUN_FIGURES.map((f) => {
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
            <tr data-figure="Generator">
              <th scope="row">Generator</th>
              <td data-side="a">{a.summary.generatorSaturated ? '⚠ fell behind' : 'kept up'}</td>
              <td data-side="b">{b.summary.generatorSaturated ? '⚠ fell behind' : 'kept up'}</td>
              <td />
            </tr>
          </tbody>
        </table>
      </div>
      <div className="compare-charts">
        <RunChart title="Answered rate, A vs B" width={chartWidth} palette={palette} format={count} lines={pair('achieved', 'answered/s')} />
        <RunChart title="Latency p99, A vs B" width={chartWidth} palette={palette} format={(v) => ms(v)} axis={axisMs} lines={pair('p99', 'p99')} />
        <RunChart title="Refused per second, A vs B" width={chartWidth} palette={palette} format={count} lines={pair('refused', 'non-2xx/s')} />
      </div>
    </section>
  )
}
