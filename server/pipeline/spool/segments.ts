import { closeSync, fsyncSync, ftruncateSync, openSync, readdirSync, readFileSync } from 'node:fs'
import { open } from 'node:fs/promises'
import path from 'node:path'
import { decodeRecord, type RecordHeader } from './record.ts'

/**
 * One file of the log, named by the sequence number of its first event so that a
 * directory listing sorts them. Only the newest (active) one is ever appended to.
 */
export interface Segment {
  readonly firstSeq: number
  readonly path: string
  /** Highest sequence number in it; firstSeq - 1 while it is empty. */
  lastSeq: number
  /** Bytes of whole records made durable: what a reader may read. */
  size: number
}

const SUFFIX = '.seg'
const NAME = /^(\d{20})\.seg$/

export function segmentPath(dir: string, firstSeq: number): string {
  return path.join(dir, `${String(firstSeq).padStart(20, '0')}${SUFFIX}`)
}

/** The segment files in `dir`, oldest first. */
export function listSegmentFiles(dir: string): Array<{ firstSeq: number; path: string }> {
  return readdirSync(dir)
    .map((name) => NAME.exec(name))
    .filter((match) => match !== null)
    .map((match) => ({ firstSeq: Number(match[1]), path: path.join(dir, match[0]) }))
    .sort((a, b) => a.firstSeq - b.firstSeq)
}

export interface SegmentScan {
  readonly records: RecordHeader[]
  /** Bytes up to the end of the last good record. */
  readonly goodBytes: number
  readonly fileBytes: number
}

/** Reads a whole segment at start-up and finds where its good records end. */
export function scanSegment(file: string): SegmentScan {
  const buffer = readFileSync(file)
  const records: RecordHeader[] = []
  let offset = 0
  while (offset < buffer.length) {
    const decoded = decodeRecord(buffer, offset)
    if (decoded.kind !== 'record') break
    records.push(decoded.header)
    offset += decoded.header.bytes
  }
  return { records, goodBytes: offset, fileBytes: buffer.length }
}

/** Cuts a segment at `bytes` and makes the cut durable before anything is appended after it. */
export function truncateSegment(file: string, bytes: number): void {
  const fd = openSync(file, 'r+')
  try {
    ftruncateSync(fd, bytes)
    fsyncSync(fd)
  } finally {
    closeSync(fd)
  }
}

/**
 * A new file's name is durable only once its directory is synced: without it a crash
 * can lose the whole segment after its records were acknowledged (ext4, xfs).
 */
export async function syncDirectory(dir: string): Promise<void> {
  const handle = await open(dir, 'r')
  try {
    await handle.sync()
  } finally {
    await handle.close()
  }
}
