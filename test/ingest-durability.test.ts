import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { WRITER_STRATEGIES } from '../shared/ingest.ts'
import { NDJSON, ndjson, postEvents } from './support/post.ts'
import { eventually, startTestSluice, type TestSluice } from './support/sluice.ts'

let sluice: TestSluice
beforeAll(async () => {
  sluice = await startTestSluice()
})
afterAll(() => sluice?.stop())

const countWhere = async (prefix: string) => {
  const [row] = await sluice.db`select count(*)::int as n from events where event_id like ${`${prefix}%`} or payload->>'tag' = ${prefix}`
  return row!.n as number
}

describe.each(WRITER_STRATEGIES)('with the %s writer', (writer) => {
  beforeAll(() => {
    sluice.pipeline.setKnobs({ writer }, 'test')
  })
  afterAll(() => {
    sluice.pipeline.setKnobs({ writer: 'copy' }, 'test')
  })

  it('makes ?wait=commit rows visible by the time the 200 arrives', async () => {
    const tag = `commit-${writer}`
    const response = await postEvents(sluice.url, ndjson(Array.from({ length: 250 }, (_, n) => ({ tag, n }))), NDJSON, '?wait=commit')
    expect(response).toMatchObject({ status: 200, body: { accepted: 250, committed: 250 } })
    expect(await countWhere(tag)).toBe(250)
  })

  it('stores an event with an id once, across retries and within one request', async () => {
    const id = `dup-${writer}-`
    const events = [{ id: `${id}1` }, { id: `${id}2` }, { id: `${id}1` }, { tag: `${id}none` }]
    for (let attempt = 0; attempt < 3; attempt++) {
      expect((await postEvents(sluice.url, ndjson(events), NDJSON, '?wait=commit')).status).toBe(200)
    }
    const rows = await sluice.db`select event_id from events where event_id like ${`${id}%`} order by event_id`
    expect(rows.map((row) => row.event_id)).toEqual([`${id}1`, `${id}2`])
    // Events without an id are never deduplicated: each retry is a new event.
    expect(await countWhere(`${id}none`)).toBe(3)
  })
})

describe('the writer', () => {
  it('sends 202-acknowledged events to the database without being asked to wait', async () => {
    const tag = 'queued'
    for (let n = 0; n < 20; n++) expect((await postEvents(sluice.url, ndjson([{ tag, n }, { tag, n }]), NDJSON)).status).toBe(202)
    await eventually(async () => (await countWhere(tag)) === 40, 10_000, '40 queued rows')
  })

  it('isolates an event the database refuses into events_dead_letter and writes the rest of its batch', async () => {
    await sluice.db`alter table events add constraint no_poison check (payload->>'poison' is null)`
    try {
      const tag = 'poisoned-batch'
      const events = Array.from({ length: 40 }, (_, n) => (n === 13 ? { tag, poison: true } : { tag, n }))
      expect((await postEvents(sluice.url, ndjson(events), NDJSON, '?wait=commit')).status).toBe(200)
      expect(await countWhere(tag)).toBe(39)
      const dead = await sluice.db`select raw, error from events_dead_letter`
      expect(dead).toHaveLength(1)
      expect(JSON.parse(dead[0]!.raw as string)).toEqual({ tag, poison: true })
      expect(dead[0]!.error).toMatch(/23514/)
      expect(sluice.pipeline.stats.deadLettered).toBe(1)
    } finally {
      await sluice.db`alter table events drop constraint no_poison`
    }
  })

  it('records what triggered each flush', async () => {
    const before = sluice.pipeline.stats.flushCount
    sluice.pipeline.setKnobs({ batchMaxEvents: 10 }, 'test')
    try {
      await postEvents(sluice.url, ndjson(Array.from({ length: 25 }, (_, n) => ({ n }))), NDJSON, '?wait=commit')
    } finally {
      sluice.pipeline.setKnobs({ batchMaxEvents: 5_000 }, 'test')
    }
    const flushes = sluice.pipeline.stats.flushesSince(before)
    expect(flushes.map((flush) => [flush.events, flush.trigger])).toEqual([[10, 'size'], [10, 'size'], [5, 'interval']])
  })
})
