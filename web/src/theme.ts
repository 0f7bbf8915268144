import { REJECT_REASONS, type FlushTrigger, type RejectReason } from '../../shared/ingest.ts'
import { recordOf } from '../../shared/records.ts'

export type ThemeName = 'dark' | 'light'

/** Chart colours per theme. SVG takes them as attributes, so they live here, not in CSS. */
export interface Palette {
  grid: string
  axis: string
  text: string
  accepted: string
  committed: string
  requests: string
  capacity: string
  queue: string
  queueBytes: string
  age: string
  inflight: string
  duration: string
  rss: string
  heapUsed: string
  heapTotal: string
  p50: string
  p90: string
  p95: string
  p99: string
  max: string
  elu: string
  offered: string
  achieved: string
  ok: string
  span: string
  spanText: string
  /** The card's background: a halo behind labels drawn over lines. */
  halo: string
  /** A drag-to-zoom selection being drawn. */
  selection: string
  annotation: string
  configMark: string
  reasons: Record<RejectReason, string>
  triggers: Record<FlushTrigger, string>
  runA: string
  runB: string
  tooltip: string
  /** One per instance of a fleet, in the order they first appear; more instances than hues reuse them. */
  instances: readonly string[]
}

const reasonHues = ['#ef4444', '#f97316', '#eab308', '#a855f7', '#ec4899', '#dc2626', '#fb923c', '#c026d3', '#94a3b8']
const triggerHues: Record<FlushTrigger, string> = { size: '#22c55e', bytes: '#14b8a6', interval: '#3b82f6', drain: '#a855f7' }

const shared = {
  reasons: recordOf(REJECT_REASONS, (_, i) => reasonHues[i % reasonHues.length]!),
  triggers: triggerHues,
  instances: ['#3b82f6', '#f97316', '#10b981', '#e11d48', '#8b5cf6', '#eab308', '#06b6d4', '#a16207'],
}

export const PALETTES: Record<ThemeName, Palette> = {
  dark: {
    ...shared,
    grid: '#273244', axis: '#64748b', text: '#cbd5e1',
    accepted: '#60a5fa', committed: '#34d399', requests: '#a78bfa', capacity: '#f87171',
    queue: '#60a5fa', queueBytes: '#c084fc', age: '#fbbf24', inflight: '#38bdf8', duration: '#fbbf24',
    rss: '#f472b6', heapUsed: '#60a5fa', heapTotal: '#94a3b8',
    p50: '#34d399', p90: '#fbbf24', p95: '#fb923c', p99: '#f87171', max: '#c084fc', elu: '#94a3b8',
    offered: '#94a3b8', achieved: '#60a5fa', ok: '#34d399',
    span: 'rgba(148, 163, 184, 0.14)', spanText: '#94a3b8', halo: '#111a2e', selection: 'rgba(59, 130, 246, 0.25)', annotation: '#facc15', configMark: '#22d3ee',
    runA: '#60a5fa', runB: '#f472b6', tooltip: '#0f172a',
  },
  light: {
    ...shared,
    grid: '#e2e8f0', axis: '#64748b', text: '#334155',
    accepted: '#2563eb', committed: '#059669', requests: '#7c3aed', capacity: '#dc2626',
    queue: '#2563eb', queueBytes: '#9333ea', age: '#d97706', inflight: '#0284c7', duration: '#d97706',
    rss: '#db2777', heapUsed: '#2563eb', heapTotal: '#64748b',
    p50: '#059669', p90: '#d97706', p95: '#ea580c', p99: '#dc2626', max: '#9333ea', elu: '#64748b',
    offered: '#64748b', achieved: '#2563eb', ok: '#059669',
    span: 'rgba(100, 116, 139, 0.12)', spanText: '#475569', halo: '#ffffff', selection: 'rgba(37, 99, 235, 0.2)', annotation: '#ca8a04', configMark: '#0891b2',
    runA: '#2563eb', runB: '#db2777', tooltip: '#ffffff',
  },
}
