import { memo, useCallback, useState } from 'react'
import type { BurstPreset, BurstSummary } from '../../../../shared/bursts.ts'
import { latestRuns, whatHappened } from '../../../../shared/lesson-results.ts'
import { CRASH_LESSON, LESSONS, LEVEL_TITLES, type Lesson } from '../../../../shared/lessons.ts'
import { errorText } from '../../api.ts'
import type { BurstAction } from '../../hooks/useBursts.ts'
import { HandsOnLesson } from './HandsOnLesson.tsx'
import './lessons.css'

interface LessonsViewProps {
  readonly presets: readonly BurstPreset[]
  /** Run history, newest first. */
  readonly runs: readonly BurstSummary[]
  /** A burst is running: no lesson can start until it ends. */
  readonly busy: boolean
  readonly error: string | null
  readonly onRun: (preset: string) => Promise<BurstAction>
  /** This server's pid and durability, for the crash lesson's commands; null until the config is read. */
  readonly pid: number | null
  readonly durability: 'memory' | 'spool' | null
}

const LEVELS = [0, 1, 2] as const

/** The Lessons tab: the learning notes in order, each lesson a question, one button, what its latest run showed, and why. */
export const LessonsView = memo(function LessonsView({ presets, runs, busy, error, onRun, pid, durability }: LessonsViewProps) {
  const [startError, setStartError] = useState<string | null>(null)
  const run = useCallback(
    (preset: string) =>
      void onRun(preset).then((action) => setStartError(action.ok ? null : errorText(action.error, 'The lesson could not start'))),
    [onRun],
  )
  const shown = startError ?? error
  return (
    <section className="lessons" aria-labelledby="lessons-title">
      <div className="lessons-head">
        <h2 id="lessons-title">Lessons</h2>
        <p>
          The learning notes, relived: each lesson runs its preset against this server and shows what happened, measured here. The notebook writes the Level 2
          notes from the runs recorded so far.
        </p>
        <a className="button" href="/api/lessons/notebook?download" download="sluice-notebook.md">
          Download the notebook (Markdown)
        </a>
        {shown && (
          <p className="lessons-error" role="alert">
            {shown}
          </p>
        )}
      </div>
      {LEVELS.map((level) => (
        <section key={level} className="lesson-level" aria-labelledby={`level-${level}`}>
          <h3 id={`level-${level}`}>{LEVEL_TITLES[level]}</h3>
          <ol className="lesson-list">
            {LESSONS.filter((lesson) => lesson.level === level).map((lesson) => (
              <LessonCard key={lesson.preset} lesson={lesson} preset={presets.find((p) => p.name === lesson.preset)} runs={latestRuns(lesson.preset, runs)} busy={busy} onRun={run} />
            ))}
          </ol>
        </section>
      ))}
      <section className="lesson-level" aria-labelledby="level-durability">
        <h3 id="level-durability">Durability: what a 202 survives</h3>
        <ol className="lesson-list">
          <HandsOnLesson lesson={CRASH_LESSON} pid={pid} durability={durability} />
        </ol>
      </section>
    </section>
  )
})

function LessonCard({ lesson, preset, runs, busy, onRun }: { lesson: Lesson; preset: BurstPreset | undefined; runs: BurstSummary[]; busy: boolean; onRun: (preset: string) => void }) {
  // Between a comparison's arms nothing runs for a moment, yet the comparison is not over.
  const unfinished = runs.length > 0 && runs.length < (runs[0]!.variants?.length ?? 1) && runs.every((run) => run.status === 'finished')
  const running = runs.some((run) => run.status === 'running') || (busy && unfinished)
  const happened = whatHappened(runs)
  const arms = preset?.variants?.length ?? 1
  return (
    <li className="lesson" data-lesson={lesson.preset}>
      <h4 className="lesson-question">{lesson.question}</h4>
      <div className="lesson-run">
        <button type="button" className="primary small" disabled={busy || !preset} onClick={() => onRun(lesson.preset)} aria-label={`Run lesson: ${preset?.title ?? lesson.preset}`}>
          Run {preset?.title ?? lesson.preset}
        </button>
        <span className="lesson-cost">
          {arms > 1 ? `${arms} runs of ${Math.round((preset?.spec.durationMs ?? 0) / 1000)} s` : `${Math.round((preset?.spec.durationMs ?? 0) / 1000)} s`}
        </span>
      </div>
      <div className="lesson-happened" aria-live="polite">
        <strong>What happened: </strong>
        {running ? (
          <span className="lesson-running">running{runs.length > 1 || runs[0]?.group ? ` (${runs.filter((r) => r.status !== 'running').length + 1} of ${runs[0]?.variants?.length ?? arms})` : ''}…</span>
        ) : happened ? (
          <span className="lesson-figures">{happened}</span>
        ) : (
          <span className="lesson-none">not run yet.</span>
        )}
        {runs.length > 0 && (
          <span className="lesson-links">
            {' '}
            {runs.map((run) => (
              <a key={run.id} href={`/api/bursts/${encodeURIComponent(run.id)}`} target="_blank" rel="noreferrer">
                {run.variant ?? 'run'}
              </a>
            ))}
          </span>
        )}
      </div>
      <p className="lesson-why">
        <strong>Why: </strong>
        {lesson.why}
      </p>
    </li>
  )
}
