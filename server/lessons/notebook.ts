/**
 * The Level 2 notebook: the document the notes promised at their end (queue design,
 * batch size strategy, flush timing, rejection policy, throughput, latency under load,
 * what surprised, what broke), written from the runs this server recorded. Every figure
 * is read from a run; every run is linked with the settings it ran under.
 */
import type { BurstSummary } from '../../shared/bursts.ts'
import type { LiveConfig } from '../../shared/config.ts'
import { figuresOf } from '../../shared/compare.ts'
import { latestRuns, whatHappened } from '../../shared/lesson-results.ts'

interface Section {
  readonly title: string
  /** What the section is about, before the figures. */
  readonly intro: string
  readonly presets: readonly string[]
}

const SECTIONS: readonly Section[] = [
  { title: 'Queue design decisions', intro: 'One bounded queue in memory between the handlers and the writers, capped in events and in bytes; a full queue refuses rather than grows.', presets: ['queue-full-spike', 'steady-at-80'] },
  { title: 'Batch size strategy', intro: 'A batch is written when it reaches the largest batch size or when the flush interval ends, whichever comes first.', presets: ['batch-size-sweep'] },
  { title: 'Flush timing', intro: 'Below capacity batches rarely fill, so the flush interval is a wait that every event pays; the sweep above shows it by flush interval at the same batch size.', presets: [] },
  { title: 'Rejection policy when the queue is full', intro: 'Refuse early and say when to come back: 429 queue_full from the queue, 429 overloaded from the inflight caps and from CPU admission, 413 for bodies over the limit, each with its reason counted.', presets: ['queue-full-spike', 'inflight-cap-on-off', 'admission-on-off', 'slow-clients'] },
  { title: 'How throughput changes', intro: 'From one INSERT per request (Level 0) to batches and COPY (Level 2), at the same load.', presets: ['level-0-insert-per-request', 'writers-compared', 'concurrency-is-not-throughput'] },
  { title: 'How latency behaves under load', intro: 'Latency is measured from each request\'s intended send time, so waiting to be sent counts.', presets: ['steady-at-80', 'concurrency-is-not-throughput', 'ramp-to-collapse'] },
  { title: 'What surprised', intro: 'Memory that does not come back, and refusals that are not free.', presets: ['buffered-vs-streamed', '20mb-payloads', 'bad-traffic-mix'] },
]

const KNOBS_SHOWN: ReadonlyArray<keyof LiveConfig> = ['writer', 'ack', 'bodyReading', 'batchMaxEvents', 'flushIntervalMs', 'queueMaxEvents', 'maxInflight', 'maxInflightBytes', 'admission', 'dbLatencyMs']

const settings = (run: BurstSummary) => (run.knobs ? KNOBS_SHOWN.map((key) => `${key}=${run.knobs[key]}`).join(', ') : 'not recorded')

function runTable(runs: readonly BurstSummary[]): string[] {
  const lines = ['| run | events/s | p99 | refused | RSS peak / rise / after | heap after | loop delay max | settings |', '|---|---|---|---|---|---|---|---|']
  for (const run of runs) {
    const f = figuresOf(run)
    lines.push(
      `| [${run.variant ?? run.name}](/api/bursts/${run.id}) | ${Math.round(f.eventsPerSec)} | ${Math.round(f.p99Ms)} ms | ${Math.round(f.refusedShare * 100)}% | ${Math.round(f.peakRssMb)} / ${Math.round(f.rssRiseMb)} / ${Math.round(f.rssAfterMb)} MB | ${Math.round(f.heapAfterMb)} MB | ${Math.round(f.maxLoopDelayMs)} ms | ${settings(run)} |`,
    )
  }
  return lines
}

function presetBlock(preset: string, runs: readonly BurstSummary[]): string[] {
  const latest = latestRuns(preset, runs)
  if (latest.length === 0) return [`**${preset}**: not run yet. Start it from the Lessons view.`, '']
  const when = new Date(latest[0]!.startedAt).toISOString()
  return [`**${preset}** (${when}): ${whatHappened(latest) ?? 'still running.'}`, '', ...runTable(latest), '']
}

/** What broke: runs that failed, 5xx answers, connection errors, a generator that fell behind. */
function broke(runs: readonly BurstSummary[]): string[] {
  const lines: string[] = []
  for (const run of runs) {
    const troubles: string[] = []
    if (run.status === 'failed') troubles.push(`failed: ${run.error ?? 'no reason recorded'}`)
    const fivexx = Object.entries(run.statuses).filter(([status]) => status.startsWith('5'))
    if (fivexx.length > 0) troubles.push(`answered ${fivexx.map(([s, n]) => `${s} ×${n}`).join(', ')}`)
    const errors = Object.entries(run.errors).filter(([, n]) => (n ?? 0) > 0)
    if (errors.length > 0) troubles.push(`no answer: ${errors.map(([kind, n]) => `${kind} ×${n}`).join(', ')}`)
    if (run.generatorSaturated) troubles.push(`the generator fell behind (${run.requests.late} late, ${run.requests.skipped} skipped sends): its figures understate the load`)
    if (troubles.length > 0) lines.push(`- [${run.name}${run.variant ? ` (${run.variant})` : ''}](/api/bursts/${run.id}): ${troubles.join('; ')}`)
  }
  return lines.length > 0 ? lines : ['Nothing in the recorded runs: no failed run, no 5xx, no connection errors, the generator kept up.']
}

/** The notebook in Markdown, from `runs` (newest first) as GET /api/bursts lists them. */
export function writeNotebook(runs: readonly BurstSummary[], now = new Date()): string {
  const out = [
    '# Sluice: Level 2 notebook',
    '',
    `Written ${now.toISOString()} from the ${runs.length} most recent runs this server recorded. Each figure is the preset's latest run; each run links to its record (GET /api/bursts/:id, ?format=csv for its per-second series). Events/s counts what the server accepted over the measured part of the run (committed, where ack=commit); p99 is the client's, from each request's intended send time.`,
    '',
  ]
  for (const section of SECTIONS) {
    out.push(`## ${section.title}`, '', section.intro, '')
    for (const preset of section.presets) out.push(...presetBlock(preset, runs))
  }
  out.push('## What broke, and why', '', ...broke(runs), '')
  return out.join('\n')
}
