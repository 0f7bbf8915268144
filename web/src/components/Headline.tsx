import type { EffectiveConfig } from '../../../shared/config.ts'
import type { Bottleneck } from '../../../shared/metrics.ts'
import type { Figures } from '../lib/figures.ts'
import { bytes, count, ms, percent, rate } from '../lib/format.ts'
import { lagLevel, queueFillLevel, rejectionLevel, rssLevel, type Level } from '../lib/thresholds.ts'

interface Stat {
  label: string
  value: string
  raw: number | null
  detail: string
  level: Level
  /** Further figures for tests and tools, as data-* attributes. */
  facts?: Record<string, number | null>
}

function StatTile({ label, value, raw, detail, level, facts = {} }: Stat) {
  const attributes: Record<string, number> = {}
  for (const [key, v] of Object.entries(facts)) if (v !== null) attributes[`data-${key}`] = v
  return (
    <div role="group" aria-label={label} className={`stat stat-${level}`} data-level={level} data-value={raw ?? ''} {...attributes}>
      <span className="stat-label">{label}</span>
      <span className="stat-value">{value}</span>
      <span className="stat-detail">{detail}</span>
    </div>
  )
}

/** What ran out, in the words the server chose (shared/metrics.ts BOTTLENECKS). */
const BOTTLENECK_LABELS: Record<Bottleneck, string> = {
  none: 'Keeping up.',
  cpu: 'CPU is the limit:',
  database: 'The database is the limit:',
  queue: 'The queue is the limit:',
  inflight: 'The inflight caps are the limit:',
  clients: 'Slow clients are the limit:',
}

/** The current figures, amber or red by thresholds: what is wrong, before reading a chart. */
export function Headline({ figures, config }: { figures: Figures | null; config: EffectiveConfig | null }) {
  const f = figures
  const topReason = f ? Object.entries(f.rejectedByReason).sort((a, b) => b[1] - a[1])[0] : undefined
  const stats: Stat[] = [
    {
      label: 'Events per second',
      value: rate(f?.eventsPerSec),
      raw: f ? Math.round(f.eventsPerSec) : null,
      detail: f ? `${rate(f.committedPerSec)} committed · ${f.writer} writer ${f.writerState}` : '–',
      level: 'ok',
    },
    {
      label: 'Queue fill',
      value: percent(f?.queueFill),
      raw: f ? Number((f.queueFill * 100).toFixed(1)) : null,
      detail: f ? `${count(f.queueEvents)} of ${count(f.capacityEvents)} events · oldest ${ms(f.oldestAgeMs)}` : '–',
      level: f ? queueFillLevel(f.queueFill, config?.fixed.queueHighWatermark ?? 0.8) : 'ok',
    },
    {
      label: 'Rejections per second',
      value: rate(f?.rejectedPerSec),
      raw: f ? Number(f.rejectedPerSec.toFixed(1)) : null,
      detail: topReason ? `mostly ${topReason[0]}` : 'none',
      level: f ? rejectionLevel(f.rejectedPerSec, f.requestsPerSec) : 'ok',
    },
    {
      label: 'Event-loop p99',
      value: ms(f?.lagP99),
      raw: f ? Number(f.lagP99.toFixed(2)) : null,
      detail: f ? `max ${ms(f.lagMax)} · busy ${percent(f.utilization)} · last 1 s` : '–',
      level: f ? lagLevel(f.lagP99) : 'ok',
      facts: { max: f ? Number(f.lagMax.toFixed(2)) : null },
    },
    {
      label: 'RSS',
      value: bytes(f?.rssBytes),
      raw: f ? f.rssBytes : null,
      detail: f ? `heap ${bytes(f.heapUsedBytes)} of ${bytes(f.heapTotalBytes)}` : '–',
      level: f ? rssLevel(f.rssBytes) : 'ok',
    },
  ]
  const diagnosis = f?.diagnosis
  return (
    <>
      {diagnosis && (
        <p role="status" aria-label="Diagnosis" className={`diagnosis diagnosis-${diagnosis.bottleneck}`} data-bottleneck={diagnosis.bottleneck}>
          <strong>{BOTTLENECK_LABELS[diagnosis.bottleneck]}</strong> {diagnosis.detail}
        </p>
      )}
      <section className="headline" aria-label="Current figures">
        {stats.map((stat) => (
          <StatTile key={stat.label} {...stat} />
        ))}
      </section>
    </>
  )
}
