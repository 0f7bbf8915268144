import { describe, expect, it } from 'vitest'
import { CommittedSeqs } from '../server/pipeline/spool/committed.ts'

describe('committed sequence numbers', () => {
  it('moves the prefix only when the batch before has committed, with two writers finishing out of order', () => {
    const commits = new CommittedSeqs(100)
    // Batch A is 101..200, batch B 201..300; B commits first.
    expect(commits.extending(201, 300)).toBeUndefined()
    commits.add(201, 300)
    expect(commits.through).toBe(100)
    expect(commits.above).toEqual([[201, 300]])
    expect([commits.has(150), commits.has(250), commits.has(301)]).toEqual([false, true, false])
    // A continues the prefix, and its mark covers B too.
    expect(commits.extending(101, 200)).toBe(300)
    commits.add(101, 200)
    expect(commits.through).toBe(300)
    expect(commits.above).toEqual([])
  })

  it('merges stretches that touch and keeps apart those that do not', () => {
    const commits = new CommittedSeqs(0, [[10, 19], [30, 39]])
    commits.add(20, 25)
    expect(commits.above).toEqual([[10, 25], [30, 39]])
    commits.add(26, 29)
    expect(commits.above).toEqual([[10, 39]])
    commits.add(1, 9)
    expect(commits.through).toBe(39)
  })

  it('answers a wait once everything up to its seq is committed, not before', async () => {
    const commits = new CommittedSeqs(0)
    let done = false
    const waiting = commits.waitFor(20).then(() => { done = true })
    commits.add(11, 20)
    await Promise.resolve()
    expect(done).toBe(false)
    commits.add(1, 10)
    await waiting
    expect(done).toBe(true)
  })
})
