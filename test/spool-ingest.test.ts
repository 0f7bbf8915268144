import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { loadCommitted } from '../server/pipeline/spool/offsets.ts'
import { parseExposition, valueOf } from './support/exposition.ts'
import { NDJSON, ndjson, postEvents } from './support/post.ts'
import { eventually, startTestSluice, type TestSluice } from './support/sluice.ts'

const spoolDirs: string[] = []
const spoolDir = () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'sluice-spool-'))
  spoolDirs.push(dir)
  return dir
}
afterAll(() => {
  for (const dir of spoolDirs) rmSync(dir, { recursive: true, force: true })
})

// These tests are about durability: CPU admission (which sheds on a busy machine) stays out of them.
const ADMISSION_OFF = { admission: 'off' } as const

const countTag = async (sluice: TestSluice, tag: string) => {
  const [row] = await sluice.db`select count(*)::int as n from events where payload->>'tag' = ${tag}`
  return row!.n as number
}

describe('with the spool', () => {
  let sluice: TestSluice
  beforeAll(async () => {
    sluice = await startTestSluice({ ...ADMISSION_OFF, durability: 'spool', spoolDir: spoolDir() })
    await eventually(async () => (await fetch(`${sluice.url}/readyz`)).ok, 10_000, 'ready')
  })
  afterAll(() => sluice?.stop())

  it('acknowledges after an fdatasync, writes the events, and moves the committed offset past them', async () => {
    const before = sluice.pipeline.gauges().spool!
    for (let n = 0; n < 20; n++) expect((await postEvents(sluice.url, ndjson([{ tag: 'spooled', n }, { tag: 'spooled', n }]), NDJSON)).status).toBe(202)
    await eventually(async () => (await countTag(sluice, 'spooled')) === 40, 10_000, '40 rows')
    const after = sluice.pipeline.gauges().spool!
    expect(after.eventsSyncedTotal - before.eventsSyncedTotal).toBe(40)
    expect(after.fsyncsTotal).toBeGreaterThan(before.fsyncsTotal)
    await eventually(() => sluice.pipeline.gauges().spool!.oldestUnwrittenAgeMs === 0, 5_000, 'nothing unwritten')
    // Every one of the 40 is marked committed: in the prefix, or in a stretch recorded by a
    // batch that finished ahead of an earlier one (two writers; the prefix then stays
    // behind until the next commit: 34 of 40 was seen under load).
    const [mark] = await sluice.db`select instance from spool_offsets`
    const { through, ranges } = await loadCommitted(sluice.db, mark!.instance as string)
    const covered = (seq: number) => seq <= through || ranges.some(([first, last]) => first <= seq && seq <= last)
    expect(Array.from({ length: 40 }, (_, i) => i + 1).filter((seq) => !covered(seq))).toEqual([])
  })

  it('answers ?wait=commit once the rows are committed', async () => {
    const response = await postEvents(sluice.url, ndjson(Array.from({ length: 30 }, (_, n) => ({ tag: 'spool-commit', n }))), NDJSON, '?wait=commit')
    expect(response).toMatchObject({ status: 200, body: { accepted: 30, committed: 30 } })
    expect(await countTag(sluice, 'spool-commit')).toBe(30)
  })

  it('stores an event with an id once, across retries', async () => {
    const events = [{ id: 'spool-dup-1', tag: 'spool-dup' }, { id: 'spool-dup-2', tag: 'spool-dup' }]
    for (let attempt = 0; attempt < 3; attempt++) expect((await postEvents(sluice.url, ndjson(events), NDJSON, '?wait=commit')).status).toBe(200)
    expect(await countTag(sluice, 'spool-dup')).toBe(2)
  })

  it('shows the spool in /metrics', async () => {
    const families = parseExposition(await (await fetch(`${sluice.url}/metrics`)).text())
    expect(valueOf(families, 'sluice_spool_fsyncs_total')).toBeGreaterThan(0)
    expect(valueOf(families, 'sluice_spool_torn_records')).toBe(0)
  })
})

describe('a full spool', () => {
  let sluice: TestSluice
  beforeAll(async () => {
    // Nothing is written until the test says so: the spool can only fill.
    sluice = await startTestSluice({
      ...ADMISSION_OFF,
      durability: 'spool',
      spoolDir: spoolDir(),
      spoolMaxBytes: 256 * 1024,
      flushIntervalMs: 60_000,
      batchMaxEvents: 1_000_000,
    })
    await eventually(async () => (await fetch(`${sluice.url}/readyz`)).ok, 10_000, 'ready')
  })
  afterAll(() => sluice?.stop())

  it('answers 503 with Retry-After and turns /readyz false, then takes requests again once written', async () => {
    const body = ndjson(Array.from({ length: 10 }, (_, n) => ({ tag: 'fill', n, pad: 'x'.repeat(1_000) })))
    let accepted = 0
    let refused
    for (let i = 0; i < 200 && !refused; i++) {
      const response = await postEvents(sluice.url, body, NDJSON)
      if (response.status === 202) accepted++
      else refused = response
    }
    expect(accepted).toBeGreaterThan(5)
    expect(refused?.status).toBe(503)
    expect(refused?.body).toMatchObject({ error: 'unavailable', detail: expect.stringMatching(/spool full/) })
    expect(Number(refused?.headers.get('retry-after'))).toBeGreaterThan(0)
    const readyz = await fetch(`${sluice.url}/readyz`)
    expect(readyz.status).toBe(503)
    expect(await readyz.json()).toMatchObject({ ready: false, reason: expect.stringMatching(/^spool \d+% full$/) })

    sluice.pipeline.setKnobs({ flushIntervalMs: 10 }, 'test')
    await eventually(async () => (await countTag(sluice, 'fill')) === accepted * 10, 10_000, 'the spooled events to be written')
    await eventually(async () => (await fetch(`${sluice.url}/readyz`)).ok, 10_000, 'ready again')
    expect((await postEvents(sluice.url, body, NDJSON)).status).toBe(202)
  })
})
