import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import type { BurstList } from '../shared/api.ts'
import type { BurstSummary } from '../shared/bursts.ts'
import { figuresOf, groupRuns } from '../shared/compare.ts'
import { writeNotebook } from '../server/lessons/notebook.ts'
import { api, SMALL_BODY } from './support/bursts.ts'
import { eventually, startTestSluice, type TestSluice } from './support/sluice.ts'

let sluice: TestSluice
beforeAll(async () => {
  sluice = await startTestSluice({ burstMaxConnections: 50, burstMaxRate: 1_000 })
})
afterAll(() => sluice?.stop())

const HEADINGS = ['Queue design decisions', 'Batch size strategy', 'Flush timing', 'Rejection policy when the queue is full', 'How throughput changes', 'How latency behaves under load', 'What surprised', 'What broke, and why']

describe('GET /api/lessons/notebook', () => {
  it('is Markdown with every section of the Level 2 notes, and says which lessons have not run', async () => {
    const response = await fetch(`${sluice.url}/api/lessons/notebook?download`, { signal: AbortSignal.timeout(10_000) })
    expect(response.status).toBe(200)
    expect(response.headers.get('content-type')).toMatch(/^text\/markdown/)
    expect(response.headers.get('content-disposition')).toMatch(/attachment; filename="sluice-notebook\.md"/)
    const text = await response.text()
    for (const heading of HEADINGS) expect(text).toContain(`## ${heading}`)
    expect(text).toContain('**writers-compared**: not run yet')
  })

  it('writes a comparison\'s measured figures, links to its runs and the settings they ran under', async () => {
    const started = await api<{ group: string }>(sluice.url, 'POST', '/api/bursts', {
      spec: { model: 'closed', shape: { kind: 'steady', level: 5 }, durationMs: 1_000, body: SMALL_BODY, knobs: { ack: 'commit' } },
      variants: [{ label: 'direct', knobs: { writer: 'direct' } }, { label: 'copy', knobs: { writer: 'copy' } }],
    })
    expect(started.status).toBe(201)
    let runs: BurstSummary[] = []
    await eventually(async () => {
      const { body } = await api<BurstList>(sluice.url, 'GET', '/api/bursts')
      runs = groupRuns(body.bursts).get(started.body.group) ?? []
      return body.running === null && runs.length === 2 && runs.every((r) => r.status === 'finished')
    }, 40_000, 'the comparison to end')
    // Recorded as a custom comparison; read as if it were the writers preset's latest runs.
    const asPreset = runs.map((run) => ({ ...run, name: 'writers-compared' })).reverse()
    const text = writeNotebook(asPreset)
    const section = text.slice(text.indexOf('## How throughput changes'), text.indexOf('## How latency behaves'))
    // Either arm may lead, or both "about the same" (5 connections on a loaded machine).
    expect(section).toMatch(/\*\*writers-compared\*\* \(.+\): (Copy|Direct) (and (copy|direct) )?committed/)
    for (const run of runs) {
      expect(section).toContain(`[${run.variant}](/api/bursts/${run.id}) | ${Math.round(figuresOf(run).eventsPerSec)} |`)
      expect(section).toContain(`writer=${run.variant}, ack=commit, bodyReading=stream`)
    }
    expect(text).not.toContain('**writers-compared**: not run yet')
  })
})
