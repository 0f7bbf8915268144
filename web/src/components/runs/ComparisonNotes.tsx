import { memo } from 'react'
import type { BurstSummary } from '../../../../shared/bursts.ts'
import { compareSentence, groupRuns } from '../../../../shared/compare.ts'

/** The comparisons among the runs (pairs, sweeps), newest first: which runs belong together and, in one sentence from their figures, how they differed. */
export const ComparisonNotes = memo(function ComparisonNotes({ runs }: { runs: readonly BurstSummary[] }) {
  const groups = [...groupRuns(runs)].slice(0, 5)
  if (groups.length === 0) return null
  return (
    <ul className="comparison-notes" aria-label="Comparisons">
      {groups.map(([group, arms]) => (
        <li key={group} data-group={group}>
          <strong>{arms[0]!.name}</strong> ({arms.map((run) => run.variant).join(' · ')}):{' '}
          {arms.some((run) => run.status === 'running') ? 'running…' : `${compareSentence(arms)}.`}
        </li>
      ))}
    </ul>
  )
})
