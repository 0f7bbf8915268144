import type { BurstSummary } from '../../../../shared/bursts.ts'
import { percentileOf } from '../../../../shared/percentiles.ts'
import { refusedTotal, saturationNote } from '../../../../shared/run-figures.ts'
import { bytes, clock, count, duration, ms, rate } from '../../lib/format.ts'
import { ExportLinks } from './ExportLinks.tsx'

interface RunListProps {
  runs: readonly BurstSummary[]
  openId: string | null
  compareIds: readonly string[]
  onOpen: (id: string) => void
  onToggleCompare: (id: string) => void
}

/** Past and running bursts with their summaries, newest first. On a narrow screen the table scrolls inside its box. */
export function RunList({ runs, openId, compareIds, onOpen, onToggleCompare }: RunListProps) {
  if (runs.length === 0) return <p className="muted">No runs yet: start a burst from the Live tab and it will be listed here.</p>
  return (
    <div className="table-scroll">
      <table className="runs" aria-label="Run history">
        <thead>
          <tr>
            <th scope="col">Compare</th>
            <th scope="col">Run</th>
            <th scope="col">Started</th>
            <th scope="col">Length</th>
            <th scope="col">Status</th>
            <th scope="col">Answered</th>
            <th scope="col">2xx</th>
            <th scope="col">p95</th>
            <th scope="col">p99</th>
            <th scope="col">Refused</th>
            <th scope="col">Peak RSS</th>
            <th scope="col">Max lag</th>
            <th scope="col">Export</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id} aria-label={`Run ${run.name} ${run.id}`} data-run-id={run.id} data-run-name={run.name} data-status={run.status} data-generator-behind={run.generatorSaturated} className={run.id === openId ? 'selected' : ''}>
              <td>
                <input type="checkbox" aria-label={`Compare ${run.name} (${run.id})`} checked={compareIds.includes(run.id)} disabled={!compareIds.includes(run.id) && compareIds.length >= 2} onChange={() => onToggleCompare(run.id)} />
              </td>
              <td>
                <button type="button" className="link" aria-label={`Open ${run.name} (${run.id})`} onClick={() => onOpen(run.id)}>
                  {run.name}
                  {run.variant && <span className="run-variant"> · {run.variant}</span>}
                </button>
              </td>
              <td>{clock(run.startedAt)}</td>
              <td>{duration(run.durationMs)}</td>
              <td>
                <span className={`pill pill-${run.status}`}>{run.status}</span>
                {run.generatorSaturated && (
                  <span className="pill pill-behind" title={saturationNote(run) ?? ''}>
                    ⚠ generator behind
                  </span>
                )}
              </td>
              <td>{rate(run.rates.achieved)}</td>
              <td>{rate(run.rates.ok)}</td>
              <td>{ms(percentileOf(run.latency, 'p95'))}</td>
              <td>{ms(percentileOf(run.latency, 'p99'))}</td>
              <td>{count(refusedTotal(run))}</td>
              <td>{bytes(run.server.peakRssBytes)}</td>
              <td>{ms(run.server.maxLoopDelayMs)}</td>
              <td>{run.status === 'running' ? '…' : <ExportLinks id={run.id} name={run.name} />}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}
