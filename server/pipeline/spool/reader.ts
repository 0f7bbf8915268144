import { open, type FileHandle } from 'node:fs/promises'
import type { SpoolLog } from './log.ts'
import { decodeRecord, type RecordHeader } from './record.ts'
import type { Segment } from './segments.ts'

/** A place in the log: `offset` bytes into the segment named `segment` (undefined: before all). */
export interface Cursor {
  readonly segment: number | undefined
  readonly offset: number
}

export const START: Cursor = { segment: undefined, offset: 0 }

export interface ReadRecord {
  readonly header: RecordHeader
  readonly payload: Buffer
  /** Where the next record starts. */
  readonly next: Cursor
}

/** Reads durable records back from the log, in order, for replay and for what memory had no room for. */
export class SpoolReader {
  readonly #log: SpoolLog
  #open: { segment: number; handle: FileHandle } | undefined

  constructor(log: SpoolLog) {
    this.#log = log
  }

  /** True when nothing durable lies past `cursor`. Synchronous, so it can be decided in one turn with an append's arrival. */
  atEnd(cursor: Cursor): boolean {
    for (const segment of this.#log.segments) {
      if (cursor.segment !== undefined && segment.firstSeq < cursor.segment) continue
      const from = segment.firstSeq === cursor.segment ? cursor.offset : 0
      if (segment.size > from) return false
    }
    return true
  }

  /** Whole records from `cursor` on, about `maxBytes` of them (at least one when there is one). */
  async read(cursor: Cursor, maxBytes: number): Promise<ReadRecord[]> {
    const found = this.#locate(cursor)
    if (!found) return []
    const { segment, offset } = found
    const handle = await this.#handle(segment)
    let buffer = await readAt(handle, offset, Math.min(maxBytes, segment.size - offset))
    const records: ReadRecord[] = []
    let position = 0
    for (;;) {
      const decoded = decodeRecord(buffer, position)
      if (decoded.kind === 'record') {
        position += decoded.header.bytes
        records.push({ header: decoded.header, payload: decoded.payload, next: { segment: segment.firstSeq, offset: offset + position } })
        continue
      }
      if (decoded.kind === 'corrupt') throw new Error(`spool: corrupt record in ${segment.path} at byte ${offset + position}, after it was made durable`)
      // One record larger than maxBytes: read it whole.
      if (records.length === 0 && decoded.needed > buffer.length && offset + decoded.needed <= segment.size) {
        buffer = await readAt(handle, offset, decoded.needed)
        continue
      }
      return records
    }
  }

  async close(): Promise<void> {
    const open = this.#open
    this.#open = undefined
    await open?.handle.close()
  }

  /** The segment and offset of the next unread byte, skipping past ends of closed (or deleted) segments. */
  #locate(cursor: Cursor): { segment: Segment; offset: number } | undefined {
    for (const segment of this.#log.segments) {
      if (cursor.segment !== undefined && segment.firstSeq < cursor.segment) continue
      const offset = segment.firstSeq === cursor.segment ? cursor.offset : 0
      if (offset < segment.size) return { segment, offset }
      if (this.#log.isOpen(segment)) return undefined
    }
    return undefined
  }

  async #handle(segment: Segment): Promise<FileHandle> {
    if (this.#open?.segment === segment.firstSeq) return this.#open.handle
    await this.close()
    const handle = await open(segment.path, 'r')
    this.#open = { segment: segment.firstSeq, handle }
    return handle
  }
}

async function readAt(handle: FileHandle, position: number, length: number): Promise<Buffer> {
  const buffer = Buffer.allocUnsafe(length)
  let filled = 0
  while (filled < length) {
    const { bytesRead } = await handle.read(buffer, filled, length - filled, position + filled)
    if (bytesRead === 0) throw new Error(`spool: segment ended at byte ${position + filled}, expected ${position + length}`)
    filled += bytesRead
  }
  return buffer
}
