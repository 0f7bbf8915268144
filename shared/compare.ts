/**
 * The difference between the runs of one comparison, in figures and in one sentence,
 * computed from their summaries (never prewritten): used by the Runs view, the Lessons
 * view and the notebook alike.
 */
import type { BurstSummary } from './bursts.ts'

const MB = 1024 * 1024

/** The figures a comparison is read by, for one run. */
export interface RunFigures {
  readonly label: string
  /** Events the server accepted per second of the measured run (committed, with ack=commit). */
  readonly eventsPerSec: number
  readonly committed: boolean
  readonly p99Ms: number
  readonly peakRssMb: number
  /** Peak RSS above RSS at the run's start. */
  readonly rssRiseMb: number
  readonly rssAfterMb: number
  readonly heapAfterMb: number
  readonly maxLoopDelayMs: number
  /** Share (0..1) of answered requests refused with 429 or 503. */
  readonly refusedShare: number
}

export function figuresOf(run: BurstSummary): RunFigures {
  const measuredS = Math.max(0.001, (run.durationMs - run.warmupMs) / 1000)
  const answered = Object.values(run.statuses).reduce((sum, n) => sum + n, 0)
  const refused = (run.statuses['429'] ?? 0) + (run.statuses['503'] ?? 0)
  return {
    label: run.variant ?? run.name,
    eventsPerSec: run.server.eventsAccepted / measuredS,
    committed: run.knobs?.ack === 'commit',
    p99Ms: run.latency.p99,
    peakRssMb: run.server.peakRssBytes / MB,
    rssRiseMb: Math.max(0, run.server.peakRssBytes - (run.server.rssBeforeBytes ?? run.server.peakRssBytes)) / MB,
    rssAfterMb: (run.server.rssAfterBytes ?? 0) / MB,
    heapAfterMb: (run.server.heapAfterBytes ?? 0) / MB,
    maxLoopDelayMs: run.server.maxLoopDelayMs,
    refusedShare: answered > 0 ? refused / answered : 0,
  }
}

/** Runs grouped by comparison, each group in its variants' order; runs of no group are left out. */
export function groupRuns(runs: readonly BurstSummary[]): Map<string, BurstSummary[]> {
  const groups = new Map<string, BurstSummary[]>()
  for (const run of runs) {
    if (!run.group) continue
    const list = groups.get(run.group) ?? []
    list.push(run)
    groups.set(run.group, list)
  }
  for (const list of groups.values()) {
    list.sort((a, b) => (a.variants?.indexOf(a.variant ?? '') ?? 0) - (b.variants?.indexOf(b.variant ?? '') ?? 0))
  }
  return groups
}

const rate = (n: number) => (n >= 10_000 ? `${(n / 1000).toFixed(0)}k` : n >= 1000 ? `${(n / 1000).toFixed(1)}k` : n.toFixed(0))
const ms = (n: number) => (n >= 10_000 ? `${(n / 1000).toFixed(1)} s` : `${Math.round(n)} ms`)
const mb = (n: number) => `${Math.round(n)} MB`
const pct = (n: number) => `${Math.round(n * 100)}%`
/** Two figures differ enough to mention when one is at least this many times the other. */
const NOTABLE = 1.3

const differs = (a: number, b: number) => Math.max(a, b) > 0 && Math.max(a, b) / Math.max(Math.min(a, b), 1e-9) >= NOTABLE

/** The clauses after the lead: only the figures that moved between `a` and `b`. */
function clauses(a: RunFigures, b: RunFigures): string[] {
  const out = [`p99 ${ms(a.p99Ms)} vs ${ms(b.p99Ms)}`]
  if (differs(a.rssRiseMb, b.rssRiseMb) && Math.max(a.rssRiseMb, b.rssRiseMb) >= 5) out.push(`RSS rose ${mb(a.rssRiseMb)} vs ${mb(b.rssRiseMb)}`)
  if (differs(a.maxLoopDelayMs, b.maxLoopDelayMs) && Math.max(a.maxLoopDelayMs, b.maxLoopDelayMs) >= 20) out.push(`worst loop delay ${ms(a.maxLoopDelayMs)} vs ${ms(b.maxLoopDelayMs)}`)
  if (Math.abs(a.refusedShare - b.refusedShare) >= 0.02) out.push(`refused ${pct(a.refusedShare)} vs ${pct(b.refusedShare)}`)
  return out
}

/**
 * One sentence for a comparison's runs (in variant order), e.g. "copy committed 3.1x what
 * direct did; p99 41 ms vs 310 ms". Two runs: the one that took more leads. More: the
 * highest and the lowest throughput, then the range of p99.
 */
export function compareSentence(runs: readonly BurstSummary[]): string {
  const figures = runs.map(figuresOf)
  if (figures.length < 2) return figures.length === 1 ? `only "${figures[0]!.label}" has run so far` : 'no runs yet'
  const verb = figures.every((f) => f.committed) ? 'committed' : 'accepted'
  const sorted = [...figures].sort((x, y) => y.eventsPerSec - x.eventsPerSec)
  const hi = sorted[0]!
  const lo = sorted.at(-1)!
  const ratio = hi.eventsPerSec / Math.max(lo.eventsPerSec, 1e-9)
  const lead = lo.eventsPerSec <= 0
    ? `${hi.label} ${verb} ${rate(hi.eventsPerSec)} events/s, ${lo.label} none`
    : ratio < 1.05
      ? `${hi.label} and ${lo.label} ${verb} about the same (${rate(hi.eventsPerSec)} vs ${rate(lo.eventsPerSec)} events/s)`
      : `${hi.label} ${verb} ${ratio.toFixed(1)}x what ${lo.label} did (${rate(hi.eventsPerSec)} vs ${rate(lo.eventsPerSec)} events/s)`
  if (figures.length === 2) return `${lead}; ${clauses(hi, lo).join('; ')}`
  const byP99 = [...figures].sort((x, y) => x.p99Ms - y.p99Ms)
  const rss = [...figures].sort((x, y) => y.rssRiseMb - x.rssRiseMb)
  const tail = [`p99 from ${ms(byP99[0]!.p99Ms)} (${byP99[0]!.label}) to ${ms(byP99.at(-1)!.p99Ms)} (${byP99.at(-1)!.label})`]
  if (differs(rss[0]!.rssRiseMb, rss.at(-1)!.rssRiseMb) && rss[0]!.rssRiseMb >= 5) tail.push(`RSS rose from ${mb(rss.at(-1)!.rssRiseMb)} (${rss.at(-1)!.label}) to ${mb(rss[0]!.rssRiseMb)} (${rss[0]!.label})`)
  return `${lead}; ${tail.join('; ')}`
}
