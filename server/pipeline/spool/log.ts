import { randomBytes } from 'node:crypto'
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { open, unlink, type FileHandle } from 'node:fs/promises'
import path from 'node:path'
import { lockSpoolDirectory } from './lock.ts'
import { encodeRecord } from './record.ts'
import { listSegmentFiles, scanSegment, segmentPath, syncDirectory, truncateSegment, type Segment } from './segments.ts'
import { FsyncWindow, UnwrittenAges } from './stats.ts'

/** Why an append was refused: the spool is at its cap, or the disk failed it. */
export class SpoolError extends Error {
  constructor(readonly code: 'spool_full' | 'spool_failed', detail: string, options?: ErrorOptions) {
    super(detail, options)
    this.name = 'SpoolError'
  }
}

export interface SpoolLogOptions {
  readonly dir: string
  readonly maxBytes: number
  /** A segment is closed and a new one begun past this size; default DEFAULT_SEGMENT_BYTES. */
  readonly segmentBytes?: number
  readonly log?: (line: string) => void
}

/** Where an appended record ended up: the reader resumes at `end` of `segment`. */
export interface Appended {
  readonly firstSeq: number
  readonly lastSeq: number
  /** firstSeq of the segment that holds it. */
  readonly segment: number
  /** Byte offset just past the record. */
  readonly end: number
}

export interface Recovered {
  /** Highest sequence number found on disk; 0 for an empty spool. */
  readonly lastSeq: number
  readonly records: number
  readonly events: number
  readonly tornRecords: number
}

// Small enough that committed data leaves the disk soon after it is written; large
// enough that rotation (a create and a directory fsync) is rare.
export const DEFAULT_SEGMENT_BYTES = 16 * 1024 * 1024
const MIN_SEGMENT_BYTES = 64 * 1024
const INSTANCE_FILE = 'instance'

interface Pending {
  readonly firstSeq: number
  readonly lastSeq: number
  readonly record: Buffer
  resolve(appended: Appended): void
  reject(error: Error): void
}

/**
 * The append-only log: records go to the active segment in groups, one fdatasync per
 * group. While a group is being synced the next one gathers, so under load the cost of
 * an fdatasync is shared by every request that arrived during the previous one.
 */
export class SpoolLog {
  /** Names this spool in spool_offsets; made once, kept in the folder. */
  readonly instance: string
  readonly recovered: Recovered
  readonly fsyncs = new FsyncWindow()
  readonly ages = new UnwrittenAges()
  readonly #dir: string
  readonly #maxBytes: number
  readonly #segmentBytes: number
  readonly #log: (line: string) => void
  /** Oldest first; the last is the active one once something was appended. */
  readonly #segments: Segment[]
  #active: { segment: Segment; handle: FileHandle } | undefined
  #nextSeq: number
  /** Durable bytes on disk. */
  #bytes: number
  /** Bytes appended but not yet durable: counted against the cap too. */
  #pendingBytes = 0
  #gathering: Pending[] = []
  #committing: Promise<void> | undefined
  #failed: Error | undefined
  readonly #unlock: () => void

  /** Opens (creating) the spool in `dir` and cuts any torn tail; sync on purpose: it runs once, before serving. */
  constructor({ dir, maxBytes, segmentBytes = DEFAULT_SEGMENT_BYTES, log = () => {} }: SpoolLogOptions) {
    this.#dir = dir
    this.#maxBytes = maxBytes
    this.#segmentBytes = Math.max(MIN_SEGMENT_BYTES, Math.min(segmentBytes, Math.floor(maxBytes / 4)))
    this.#log = log
    mkdirSync(dir, { recursive: true })
    this.#unlock = lockSpoolDirectory(dir)
    this.instance = readInstance(dir)
    this.#segments = []
    let lastSeq = 0
    let records = 0
    let events = 0
    let tornRecords = 0
    for (const file of listSegmentFiles(dir)) {
      const scan = scanSegment(file.path)
      if (scan.goodBytes < scan.fileBytes) {
        tornRecords++
        log(`spool: ${path.basename(file.path)} has a torn or corrupt record at byte ${scan.goodBytes} of ${scan.fileBytes}; cut there (${scan.records.length} good records kept)`)
        truncateSegment(file.path, scan.goodBytes)
      }
      if (scan.records.length === 0) {
        rmSync(file.path)
        continue
      }
      const last = scan.records.at(-1)!
      for (const record of scan.records) this.ages.push(record.firstSeq + record.count - 1, record.appendedAt)
      records += scan.records.length
      events += scan.records.reduce((sum, record) => sum + record.count, 0)
      lastSeq = last.firstSeq + last.count - 1
      this.#segments.push({ firstSeq: file.firstSeq, path: file.path, lastSeq, size: scan.goodBytes })
    }
    this.#bytes = this.#segments.reduce((sum, segment) => sum + segment.size, 0)
    this.#nextSeq = lastSeq + 1
    this.recovered = { lastSeq, records, events, tornRecords }
  }

  get bytes(): number { return this.#bytes }
  get maxBytes(): number { return this.#maxBytes }
  get segmentCount(): number { return this.#segments.length }
  /** The last sequence number handed out (durable or about to be). */
  get lastSeq(): number { return this.#nextSeq - 1 }
  /** Set once a write or fdatasync failed: nothing more is appended until a restart. */
  get failed(): Error | undefined { return this.#failed }

  /**
   * Numbers from here on start after `seq`: the database may hold commits of records
   * this disk lost (written, then the machine died before the page cache was flushed).
   */
  skipPast(seq: number): void {
    this.#nextSeq = Math.max(this.#nextSeq, seq + 1)
  }

  /** Would a record of `bytes` fit under the cap now? */
  hasRoom(bytes: number): boolean {
    return this.#bytes + this.#pendingBytes + bytes <= this.#maxBytes
  }

  /**
   * Appends one request's events (as COPY rows) and resolves once they are on disk.
   * Sequence numbers are taken now, so records are durable, and resolved, in call order.
   */
  append(payload: Buffer, count: number): Promise<Appended> {
    if (this.#failed) return Promise.reject(new SpoolError('spool_failed', `spool disk error: ${this.#failed.message}`, { cause: this.#failed }))
    const firstSeq = this.#nextSeq
    const record = encodeRecord(firstSeq, count, Date.now(), payload)
    if (!this.hasRoom(record.length)) {
      return Promise.reject(new SpoolError('spool_full', `spool full: ${this.#bytes + this.#pendingBytes} of ${this.#maxBytes} bytes`))
    }
    this.#nextSeq += count
    this.#pendingBytes += record.length
    return new Promise<Appended>((resolve, reject) => {
      this.#gathering.push({ firstSeq, lastSeq: firstSeq + count - 1, record, resolve, reject })
      // setImmediate, not now: every request parsed in this turn of the loop joins the group.
      if (!this.#committing) this.#committing = new Promise<void>((done) => setImmediate(() => void this.#commitGroups().finally(done)))
    })
  }

  /** The segments, oldest first: what a reader may read (each up to its `size`). */
  get segments(): readonly Segment[] {
    return this.#segments
  }

  /** Whether `segment` may still grow. Segments found at start never do: the first append opens a new one. */
  isOpen(segment: Segment): boolean {
    return this.#active?.segment === segment
  }

  /** Deletes every closed segment whose records all have seq <= `through`. */
  release(through: number): void {
    this.ages.release(through)
    for (let oldest = this.#segments[0]; oldest && !this.isOpen(oldest) && oldest.lastSeq <= through; oldest = this.#segments[0]) {
      const segment = this.#segments.shift()!
      this.#bytes -= segment.size
      unlink(segment.path).catch((error: Error) => this.#log(`spool: could not delete ${segment.path}: ${error.message}`))
    }
  }

  /** Waits for the group being written, then closes the active segment. Safe to call twice. */
  async close(): Promise<void> {
    while (this.#committing) await this.#committing
    const active = this.#active
    this.#active = undefined
    await active?.handle.close()
    this.#unlock()
  }

  async #commitGroups(): Promise<void> {
    try {
      while (this.#gathering.length > 0) {
        const group = this.#gathering
        this.#gathering = []
        if (this.#failed) {
          for (const pending of group) pending.reject(new SpoolError('spool_failed', `spool disk error: ${this.#failed.message}`))
          continue
        }
        try {
          await this.#write(group)
        } catch (error) {
          this.#failed = error as Error
          this.#log(`spool: disk error, refusing appends until restart: ${(error as Error).message}`)
          for (const pending of group) pending.reject(new SpoolError('spool_failed', `spool disk error: ${(error as Error).message}`, { cause: error }))
        } finally {
          for (const pending of group) this.#pendingBytes -= pending.record.length
        }
      }
    } finally {
      this.#committing = undefined
    }
  }

  async #write(group: Pending[]): Promise<void> {
    let bytes = 0
    for (const pending of group) bytes += pending.record.length
    let active = this.#active
    if (!active || (active.segment.size > 0 && active.segment.size + bytes > this.#segmentBytes)) active = await this.#rotate(group[0]!.firstSeq)
    const start = active.segment.size
    await writeAll(active.handle, group.map((pending) => pending.record), start)
    const started = performance.now()
    // fdatasync, not fsync: the file's size is flushed with it, its mtime need not be.
    await active.handle.datasync()
    const last = group.at(-1)!
    this.fsyncs.record(performance.now() - started, last.lastSeq - group[0]!.firstSeq + 1)
    this.ages.push(last.lastSeq, Date.now())
    active.segment.size = start + bytes
    active.segment.lastSeq = last.lastSeq
    this.#bytes += bytes
    let end = start
    for (const pending of group) {
      end += pending.record.length
      pending.resolve({ firstSeq: pending.firstSeq, lastSeq: pending.lastSeq, segment: active.segment.firstSeq, end })
    }
  }

  async #rotate(firstSeq: number): Promise<{ segment: Segment; handle: FileHandle }> {
    await this.#active?.handle.close()
    this.#active = undefined
    const segment: Segment = { firstSeq, path: segmentPath(this.#dir, firstSeq), lastSeq: firstSeq - 1, size: 0 }
    const handle = await open(segment.path, 'wx')
    try {
      await syncDirectory(this.#dir)
    } catch (error) {
      await handle.close()
      throw error
    }
    this.#segments.push(segment)
    this.#active = { segment, handle }
    return this.#active
  }
}

/** writev may write less than asked (a full disk, a signal): write the rest. */
async function writeAll(handle: FileHandle, buffers: Buffer[], position: number): Promise<void> {
  let pending = buffers
  while (pending.length > 0) {
    const { bytesWritten } = await handle.writev(pending, position)
    position += bytesWritten
    let skip = bytesWritten
    const rest: Buffer[] = []
    for (const buffer of pending) {
      if (skip >= buffer.length) skip -= buffer.length
      else {
        rest.push(skip > 0 ? buffer.subarray(skip) : buffer)
        skip = 0
      }
    }
    if (bytesWritten === 0 && rest.length > 0) throw new Error('write made no progress')
    pending = rest
  }
}

function readInstance(dir: string): string {
  const file = path.join(dir, INSTANCE_FILE)
  try {
    return readFileSync(file, 'utf8').trim()
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') throw error
  }
  const instance = randomBytes(8).toString('hex')
  writeFileSync(file, `${instance}\n`, { flush: true })
  return instance
}
