import { crc32 } from 'node:zlib'

/**
 * One spooled request on disk, little-endian:
 *
 *   u32  payload length in bytes
 *   u32  CRC-32 of every byte after this field (the rest of the header and the payload)
 *   u64  sequence number of the request's first event (its events are seq .. seq+count-1)
 *   u32  event count
 *   f64  when it was appended, epoch ms (the "oldest unwritten" age survives a restart)
 *   ...  payload: the events as COPY text rows, what the writer sends to PostgreSQL
 *
 * CRC-32 rather than CRC-32C: node:zlib computes it natively, and it catches the torn
 * and zeroed tails a crash leaves as surely for records of this size.
 */
export const HEADER_BYTES = 28
const CRC_FROM = 8

/** A record larger than this is taken for a corrupt length field, not read. */
export const MAX_RECORD_BYTES = 1 << 30

export interface RecordHeader {
  readonly firstSeq: number
  readonly count: number
  readonly appendedAt: number
  /** Header plus payload. */
  readonly bytes: number
}

export function encodeRecord(firstSeq: number, count: number, appendedAt: number, payload: Buffer): Buffer {
  const length = payload.length
  const record = Buffer.allocUnsafe(HEADER_BYTES + length)
  record.writeUInt32LE(length, 0)
  record.writeBigUInt64LE(BigInt(firstSeq), 8)
  record.writeUInt32LE(count, 16)
  record.writeDoubleLE(appendedAt, 20)
  payload.copy(record, HEADER_BYTES)
  record.writeUInt32LE(crc32(record.subarray(CRC_FROM)), 4)
  return record
}

/** What lies at `offset`: a whole record, the start of one cut short by the end, or garbage. */
export type Decoded =
  | { readonly kind: 'record'; readonly header: RecordHeader; readonly payload: Buffer }
  | { readonly kind: 'short'; readonly needed: number }
  | { readonly kind: 'corrupt' }

export function decodeRecord(buffer: Buffer, offset: number): Decoded {
  const available = buffer.length - offset
  if (available < HEADER_BYTES) return { kind: 'short', needed: HEADER_BYTES }
  const length = buffer.readUInt32LE(offset)
  const bytes = HEADER_BYTES + length
  if (bytes > MAX_RECORD_BYTES) return { kind: 'corrupt' }
  if (available < bytes) return { kind: 'short', needed: bytes }
  const end = offset + bytes
  if (crc32(buffer.subarray(offset + CRC_FROM, end)) !== buffer.readUInt32LE(offset + 4)) return { kind: 'corrupt' }
  const header: RecordHeader = {
    firstSeq: Number(buffer.readBigUInt64LE(offset + 8)),
    count: buffer.readUInt32LE(offset + 16),
    appendedAt: buffer.readDoubleLE(offset + 20),
    bytes,
  }
  return { kind: 'record', header, payload: buffer.subarray(offset + HEADER_BYTES, end) }
}
