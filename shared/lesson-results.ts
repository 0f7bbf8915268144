/**
 * What a lesson's runs showed: the preset's latest run (or latest comparison, every arm
 * of it), summed up in one sentence of measured figures. Shared by the Lessons view and
 * the notebook, so both say the same thing about the same runs.
 */
import type { BurstSummary } from './bursts.ts'
import { compareSentence, figuresOf, groupRuns } from './compare.ts'

/** The runs of a preset's latest attempt, in variant order: one run, or a comparison's arms. Runs are newest first. */
export function latestRuns(preset: string, runs: readonly BurstSummary[]): BurstSummary[] {
  const latest = runs.find((run) => run.name === preset)
  if (!latest) return []
  if (!latest.group) return [latest]
  return groupRuns(runs.filter((run) => run.group === latest.group)).get(latest.group) ?? [latest]
}

const round = (n: number) => (n >= 100 ? Math.round(n).toLocaleString('en-US') : n.toFixed(1))

/** One run's figures in a sentence: events/s, p99, refusals, memory and loop delay. */
export function runSentence(run: BurstSummary): string {
  const f = figuresOf(run)
  const parts = [
    `${run.knobs?.ack === 'commit' ? 'committed' : 'accepted'} ${round(f.eventsPerSec)} events/s`,
    `p99 ${Math.round(f.p99Ms)} ms`,
  ]
  const statuses = Object.entries(run.statuses).filter(([status]) => !status.startsWith('2'))
  if (statuses.length > 0) parts.push(`answered ${statuses.map(([status, n]) => `${status} ×${n}`).join(', ')}`)
  parts.push(`peak RSS ${Math.round(f.peakRssMb)} MB (rose ${Math.round(f.rssRiseMb)} MB; ${Math.round(f.rssAfterMb)} MB after, heap ${Math.round(f.heapAfterMb)} MB)`)
  parts.push(`worst event-loop delay ${Math.round(f.maxLoopDelayMs)} ms`)
  return parts.join('; ')
}

/** What the latest attempt showed; null when the preset has not run yet or is still running. */
export function whatHappened(runs: readonly BurstSummary[]): string | null {
  if (runs.length === 0 || runs.some((run) => run.status === 'running')) return null
  if (runs.length === 1) {
    const run = runs[0]!
    return run.group ? `Only "${run.variant}" ran (${run.status}): ${runSentence(run)}.` : `${capitalise(runSentence(run))}.`
  }
  return `${capitalise(compareSentence(runs))}.`
}

const capitalise = (text: string) => text.charAt(0).toUpperCase() + text.slice(1)
