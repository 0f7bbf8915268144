import { memo } from 'react'
import { bytes, ms, percent, rate } from '../lib/format.ts'
import type { InstanceRow } from '../lib/instances.ts'

/**
 * The fleet's instances, one line each: shown only when there is more than one, so a
 * lone server's dashboard looks as it always did. A gone instance stays listed (struck
 * through) for a minute, so a death is seen, not just a line that stops.
 */
export const InstancesPanel = memo(function InstancesPanel({ rows }: { rows: readonly InstanceRow[] }) {
  if (rows.length < 2) return null
  const live = rows.filter((row) => !row.gone).length
  return (
    <section className="panel" aria-labelledby="instances-title" data-instances={rows.length} data-live={live}>
      <h2 id="instances-title">
        Instances <span className="muted small">{live} live of {rows.length}</span>
      </h2>
      <table className="instances" aria-label="Instances">
        <colgroup>
          <col style={{ width: '31%' }} />
          <col style={{ width: '14%' }} />
          <col style={{ width: '14%' }} />
          <col style={{ width: '22%' }} />
          <col style={{ width: '19%' }} />
        </colgroup>
        <thead>
          <tr>
            <th scope="col">instance</th>
            <th scope="col">req/s</th>
            <th scope="col">queue</th>
            <th scope="col" title="event-loop delay, p99">loop p99</th>
            <th scope="col">RSS</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((row) => (
            <tr key={row.id} data-instance={row.id} data-state={row.state} className={row.gone ? 'gone' : undefined}>
              <th scope="row">
                {row.id}
                <small className="muted">
                  pid {row.pid} · <span className="instance-state">{row.bottleneck && !row.gone ? `${row.state}, ${row.bottleneck}` : row.state}</span>
                </small>
              </th>
              <td>{row.gone ? '–' : rate(row.requestsPerSec)}</td>
              <td>{row.gone ? '–' : percent(row.queueFill)}</td>
              <td>{row.gone ? '–' : ms(row.loopP99Ms)}</td>
              <td>{row.gone ? '–' : bytes(row.rssBytes)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  )
})
