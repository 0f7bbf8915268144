/**
 * The reference ceiling for Sluice's copy writer: the same NDJSON rows COPYed straight
 * into PostgreSQL by Sluice's own `copyBatch`, one batch of 5000 after another, with no
 * HTTP in front. Prints one CopyLoopResult as JSON.
 */
import { DEFAULTS } from '../server/config.ts'
import { createSql } from '../server/db/client.ts'
import { CopyRows } from '../server/pipeline/copy-text.ts'
import { toEvent, type IngestEvent } from '../server/pipeline/event.ts'
import { copyBatch } from '../server/pipeline/writers.ts'
import { ndjsonLines, NDJSON_EVENTS_PER_REQUEST } from './bodies.ts'
import { percentiles, type Percentiles } from './percentiles.ts'

export interface CopyLoopResult {
  readonly durationS: number
  readonly batches: number
  readonly rows: number
  /** How long one batch's COPY took. */
  readonly batchMs: Percentiles | null
}

// Sluice's default batch size; each row is built as it would queue it.
const BATCH_EVENTS = DEFAULTS.batchMaxEvents

const url = process.env.DATABASE_URL
const durationS = Number(process.argv[2])
if (!url) throw new Error('DATABASE_URL: required')
if (!(durationS > 0 && durationS <= 600)) throw new Error(`duration: expected 0 < seconds <= 600, got "${process.argv[2]}"`)

// The very lines the NDJSON requests carry, repeated to fill a batch.
const lines = ndjsonLines(NDJSON_EVENTS_PER_REQUEST)
const events: IngestEvent[] = Array.from({ length: BATCH_EVENTS }, (_, index) => {
  const line = lines[index % lines.length]!
  return toEvent(JSON.parse(line), line, Buffer.byteLength(line), index)
})
// As Sluice's queue holds them: COPY rows, ready to send.
const rows = CopyRows.of(events)
// One connection, one batch at a time: the shape of Sluice's batcher.
const sql = createSql(url, { max: 1 })
// Tell the probe (bench/probe.ts) the measured loop starts: building the batch is not lag.
// Unhandled, SIGUSR2 would kill us: only when the probe is there to catch it.
if (process.listenerCount('SIGUSR2') > 0) process.kill(process.pid, 'SIGUSR2')
const took: number[] = []
const started = performance.now()
const end = started + durationS * 1000
while (performance.now() < end) {
  const before = performance.now()
  await copyBatch(sql, rows, 0)
  took.push(performance.now() - before)
}
const elapsedS = (performance.now() - started) / 1000
await sql.end({ timeout: 5 })

const result: CopyLoopResult = { durationS: elapsedS, batches: took.length, rows: took.length * BATCH_EVENTS, batchMs: percentiles(took) }
process.stdout.write(`${JSON.stringify(result)}\n`)
