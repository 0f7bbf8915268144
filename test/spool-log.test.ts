import { spawn } from 'node:child_process'
import { once } from 'node:events'
import { appendFileSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, truncateSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { copyText, parseCopyText } from '../server/pipeline/copy-text.ts'
import type { IngestEvent } from '../server/pipeline/event.ts'
import { SpoolError, SpoolLog } from '../server/pipeline/spool/log.ts'
import { SpoolReader, START, type Cursor } from '../server/pipeline/spool/reader.ts'
import { segmentPath } from '../server/pipeline/spool/segments.ts'

let dir: string
const logs: SpoolLog[] = []
beforeEach(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'sluice-spool-'))
})
afterEach(async () => {
  for (const log of logs.splice(0)) await log.close()
  rmSync(dir, { recursive: true, force: true })
})

function openLog(options: { maxBytes?: number; segmentBytes?: number } = {}): SpoolLog {
  const log = new SpoolLog({ dir, maxBytes: options.maxBytes ?? 64 * 1024 * 1024, segmentBytes: options.segmentBytes })
  logs.push(log)
  return log
}

const event = (raw: string, id: string | null = null): IngestEvent => ({ id, type: 'test', ts: null, raw, bytes: Buffer.byteLength(raw) })
const events = (n: number, tag: string, size = 0) => Array.from({ length: n }, (_, i) => event(JSON.stringify({ tag, i, pad: 'x'.repeat(size) })))
const append = (log: SpoolLog, batch: IngestEvent[]) => log.append(Buffer.from(copyText(batch)), batch.length)

async function readAll(log: SpoolLog): Promise<Array<{ firstSeq: number; events: IngestEvent[] }>> {
  const reader = new SpoolReader(log)
  const out = []
  let cursor: Cursor = START
  try {
    for (let records = await reader.read(cursor, 4096); records.length > 0; records = await reader.read(cursor, 4096)) {
      for (const record of records) {
        out.push({ firstSeq: record.header.firstSeq, events: parseCopyText(record.payload.toString()) })
        cursor = record.next
      }
    }
    expect(reader.atEnd(cursor)).toBe(true)
  } finally {
    await reader.close()
  }
  return out
}

describe('the spool log', () => {
  it('numbers events in append order and reads them back as they were sent', async () => {
    const log = openLog()
    const tricky = event('{"text":"tab\\there, newline\\nthere, backslash \\\\ and ünïcode"}', 'id\twith tab')
    const first = await append(log, [tricky, event('{"n":2}')])
    const second = await append(log, events(3, 'b'))
    expect([first.firstSeq, first.lastSeq, second.firstSeq, second.lastSeq]).toEqual([1, 2, 3, 5])
    const read = await readAll(log)
    expect(read.map((record) => record.firstSeq)).toEqual([1, 3])
    expect(read[0]!.events[0]).toEqual(tricky)
    expect(read[1]!.events).toEqual(events(3, 'b'))
  })

  it('makes requests that arrive in one turn durable with one fdatasync', async () => {
    const log = openLog()
    const appended = await Promise.all(Array.from({ length: 50 }, (_, i) => append(log, events(2, `r${i}`))))
    expect(appended.map((a) => a.firstSeq)).toEqual(Array.from({ length: 50 }, (_, i) => 1 + 2 * i))
    expect(log.fsyncs.total).toBe(1)
    expect(log.fsyncs.eventsTotal).toBe(100)
    // While that group syncs, the next one gathers: two more turns' worth, at most two more fsyncs.
    const later = [append(log, events(1, 'x'))]
    await new Promise((resolve) => setImmediate(resolve))
    later.push(append(log, events(1, 'y')), append(log, events(1, 'z')))
    await Promise.all(later)
    expect(log.fsyncs.total).toBeLessThanOrEqual(3)
    expect(log.fsyncs.eventsTotal).toBe(103)
  })

  it('rotates into segments and deletes a closed one once every event in it is committed', async () => {
    const log = openLog({ segmentBytes: 64 * 1024 })
    let last = 0
    for (let i = 0; i < 20; i++) last = (await append(log, events(10, `s${i}`, 1_000))).lastSeq
    const segments = log.segments.map((segment) => ({ ...segment }))
    expect(segments.length).toBeGreaterThan(2)
    expect(readdirSync(dir).filter((name) => name.endsWith('.seg'))).toHaveLength(segments.length)

    // Up to the end of the second segment: the first two go, nothing more.
    log.release(segments[1]!.lastSeq)
    await new Promise((resolve) => setTimeout(resolve, 50))
    expect(log.segments.map((segment) => segment.firstSeq)).toEqual(segments.slice(2).map((segment) => segment.firstSeq))
    expect(existsAll(segments.slice(0, 2).map((segment) => segment.path))).toEqual([false, false])
    expect(log.bytes).toBe(segments.slice(2).reduce((sum, segment) => sum + segment.size, 0))

    // Everything committed: the active segment stays, it is still being appended to.
    log.release(last)
    expect(log.segments).toHaveLength(1)
    expect(log.segments[0]!.lastSeq).toBe(last)
  })

  it('recovers what it held on reopening, and numbers on from there', async () => {
    const log = openLog({ segmentBytes: 64 * 1024 })
    for (let i = 0; i < 12; i++) await append(log, events(10, `s${i}`, 1_000))
    await log.close()
    const reopened = openLog({ segmentBytes: 64 * 1024 })
    expect(reopened.recovered).toEqual({ lastSeq: 120, records: 12, events: 120, tornRecords: 0 })
    expect((await append(reopened, events(1, 'next'))).firstSeq).toBe(121)
    expect((await readAll(reopened)).flatMap((record) => record.events)).toHaveLength(121)
  })

  it('cuts a torn last record at the last good one and counts it', async () => {
    const log = openLog()
    for (let i = 0; i < 3; i++) await append(log, events(5, `t${i}`))
    await log.close()
    const file = segmentPath(dir, 1)
    const whole = statSync(file).size
    truncateSync(file, whole - 7)

    const reopened = openLog()
    expect(reopened.recovered).toEqual({ lastSeq: 10, records: 2, events: 10, tornRecords: 1 })
    expect(statSync(file).size).toBe(reopened.bytes)
    expect((await readAll(reopened)).map((record) => record.firstSeq)).toEqual([1, 6])
    // The seqs of the lost record are handed out again: it was never acknowledged.
    expect((await append(reopened, events(1, 'after'))).firstSeq).toBe(11)
  })

  it('cuts a tail of zeroes (a size extended but never written) the same way', async () => {
    const log = openLog()
    await append(log, events(4, 'z'))
    await log.close()
    appendFileSync(segmentPath(dir, 1), Buffer.alloc(4096))
    const reopened = openLog()
    expect(reopened.recovered).toMatchObject({ lastSeq: 4, records: 1, tornRecords: 1 })
  })

  it('refuses an append over its cap, and takes one again once room is made', async () => {
    const log = openLog({ maxBytes: 256 * 1024, segmentBytes: 64 * 1024 })
    let refused: unknown
    let last = 0
    for (let i = 0; i < 100 && !refused; i++) {
      try {
        last = (await append(log, events(10, `c${i}`, 1_000))).lastSeq
      } catch (error) {
        refused = error
      }
    }
    expect(refused).toBeInstanceOf(SpoolError)
    expect((refused as SpoolError).code).toBe('spool_full')
    expect(log.bytes).toBeLessThanOrEqual(256 * 1024)
    expect(log.hasRoom(20_000)).toBe(false)
    log.release(last)
    expect(log.hasRoom(20_000)).toBe(true)
    expect((await append(log, events(1, 'again'))).firstSeq).toBe(last + 1)
  })

  it('refuses every append after a write fails, until it is reopened', async () => {
    const log = openLog()
    // The first segment's name is taken: creating it fails as a full disk would.
    symlinkSync('/dev/null', segmentPath(dir, 1))
    await expect(append(log, events(1, 'a'))).rejects.toMatchObject({ code: 'spool_failed' })
    expect(log.failed).toBeDefined()
    await expect(append(log, events(1, 'b'))).rejects.toMatchObject({ code: 'spool_failed' })
  })

  it('belongs to one process at a time: another live process holding the folder stops the open, a dead one does not', async () => {
    // A live process that is not this one: a child that waits, holding nothing but its pid.
    const child = spawn(process.execPath, ['-e', 'setTimeout(() => {}, 30_000)'], { stdio: 'ignore' })
    try {
      writeFileSync(path.join(dir, 'LOCK'), String(child.pid))
      expect(() => openLog()).toThrow(new RegExp(`in use by process ${child.pid}`))
    } finally {
      child.kill('SIGKILL')
      await once(child, 'exit')
    }
    // The same pid, now gone (as after a SIGKILL): taken over, and released on close.
    const log = openLog()
    expect(readFileSync(path.join(dir, 'LOCK'), 'utf8')).toBe(String(process.pid))
    await append(log, events(1, 'mine'))
    await log.close()
    expect(existsAll([path.join(dir, 'LOCK')])).toEqual([false])
  })
})

function existsAll(files: string[]): boolean[] {
  return files.map((file) => {
    try {
      statSync(file)
      return true
    } catch {
      return false
    }
  })
}
