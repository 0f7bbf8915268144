import type { HandsOnLesson as Lesson } from '../../../../shared/lessons.ts'

interface HandsOnLessonProps {
  lesson: Lesson
  /** This server's pid and durability, from its config; null until read. */
  pid: number | null
  durability: 'memory' | 'spool' | null
}

/** `{url}`, `{port}` and `{pid}` in a command, as this page's server. */
function fill(command: string, pid: number | null): string {
  const port = location.port || (location.protocol === 'https:' ? '443' : '80')
  return command.replaceAll('{url}', location.origin).replaceAll('{port}', port).replaceAll('{pid}', pid === null ? '<pid>' : String(pid))
}

/** A lesson done at a terminal: numbered steps with the exact commands for this server. */
export function HandsOnLesson({ lesson, pid, durability }: HandsOnLessonProps) {
  return (
    <li className="lesson hands-on" data-lesson={lesson.id}>
      <h4 className="lesson-question">{lesson.title}</h4>
      <p className="lesson-intro">
        {lesson.question} This server runs with <code>SLUICE_DURABILITY={durability ?? '…'}</code>
        {pid !== null && (
          <>
            {' '}
            as pid <code className="server-pid">{pid}</code>
          </>
        )}
        .
      </p>
      <ol className="lesson-steps">
        {lesson.steps.map((step, i) => (
          <li key={i}>
            {step.text}
            {step.command && (
              <pre>
                <code>{fill(step.command, pid)}</code>
              </pre>
            )}
          </li>
        ))}
      </ol>
      <p className="lesson-why">
        <strong>Why: </strong>
        {lesson.why}
      </p>
    </li>
  )
}
