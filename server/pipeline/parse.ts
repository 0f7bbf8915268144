import { isUtf8 } from 'node:buffer'
import { SluiceError, invalidEvent, payloadTooLarge, unsupportedMediaType } from '../errors.ts'
import { toEvent, type EventLimits, type IngestEvent } from './event.ts'
import { arrayElements, needsScan, skipWhitespace, valueEnd } from './json-scan.ts'
import { parseMediaType } from './media-type.ts'

export type BodyFormat = 'json' | 'ndjson'

const FORMATS: Record<string, BodyFormat> = {
  'application/json': 'json',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
}

/** Maps a Content-Type header to a body format; anything else is 415. */
export function bodyFormat(contentType: string | undefined): BodyFormat {
  const exact = FORMATS[contentType ?? '']
  if (exact) return exact
  const mediaType = parseMediaType(contentType ?? '')
  const format = mediaType && FORMATS[mediaType.essence]
  if (!format) throw unsupportedMediaType(`expected application/json or application/x-ndjson, got "${contentType ?? ''}"`)
  // RFC 9110 §8.3.2: charset values are case-insensitive; unknown parameters are ignored.
  const charset = mediaType.parameters.get('charset')?.toLowerCase()
  if (charset !== undefined && charset !== 'utf-8' && charset !== 'utf8') throw unsupportedMediaType(`charset "${charset}" is not supported; send UTF-8`)
  return format
}

const OPEN_BRACKET = 0x5b
const NEWLINE = 0x0a
const BOM = 0xfeff

const isJsonSpace = (code: number | undefined) => code === 0x20 || code === 0x0a || code === 0x0d || code === 0x09

/**
 * One event from its text, which is exactly what gets stored: size, then depth and
 * numbers (unless the caller's walk already checked them), then JSON.parse, then fields.
 */
function eventFrom(raw: string, bytes: number, index: number, limits: EventLimits, scanned: boolean, notJson: string): IngestEvent {
  if (bytes > limits.maxEventBytes) throw payloadTooLarge(limits.maxEventBytes, index, `event is ${bytes} bytes`)
  if (!scanned && needsScan(raw, limits.maxEventDepth)) valueEnd(raw, 0, limits.maxEventDepth, index)
  let value: unknown
  try {
    value = JSON.parse(raw)
  } catch (error) {
    // RFC 8259 §8.1: senders must not add one; refusing it is allowed, and keeps "as sent" exact.
    if (raw.charCodeAt(0) === BOM) throw invalidEvent(index, `${notJson}: it starts with a byte order mark (U+FEFF); send UTF-8 without one`)
    throw invalidEvent(index, `${notJson}: ${(error as Error).message}`)
  }
  return toEvent(value, raw, bytes, index)
}

/**
 * A JSON body's text: one event, or an array whose elements are each stored as the
 * characters the client sent for them. `byteLength` is the body's size in bytes.
 */
function parseJsonText(text: string, byteLength: number, limits: EventLimits): IngestEvent[] {
  const start = skipWhitespace(text, 0)
  if (start === text.length) throw invalidEvent(0, 'body is empty')
  if (text.charCodeAt(start) !== OPEN_BRACKET) {
    let end = text.length
    while (isJsonSpace(text.charCodeAt(end - 1))) end--
    const raw = start === 0 && end === text.length ? text : text.slice(start, end)
    // JSON whitespace is one byte a character.
    return [eventFrom(raw, byteLength - (text.length - raw.length), 0, limits, false, 'body is not valid JSON')]
  }
  const spans = arrayElements(text, start, limits.maxEventDepth)
  if (spans.length === 0) throw invalidEvent(0, 'body is an empty array')
  const ascii = byteLength === text.length
  const events: IngestEvent[] = []
  for (let i = 0; i < spans.length; i += 2) {
    const from = spans[i]!
    const to = spans[i + 1]!
    const index = events.length
    // Characters never outnumber UTF-8 bytes: too many characters is too many bytes.
    if (to - from > limits.maxEventBytes) throw payloadTooLarge(limits.maxEventBytes, index, `event is over ${to - from} bytes`)
    const raw = text.slice(from, to)
    events.push(eventFrom(raw, ascii ? to - from : Buffer.byteLength(raw), index, limits, true, `event ${index} is not valid JSON`))
  }
  return events
}

/** A JSON body, whole: one event object or an array of them. */
export function parseJsonBody(body: Buffer, limits: EventLimits): IngestEvent[] {
  if (!isUtf8(body)) throw invalidEvent(0, 'body is not valid UTF-8')
  return parseJsonText(body.toString('utf8'), body.length, limits)
}

/**
 * A streamed body, held as the chunks it arrived in until it is complete; nothing is
 * parsed before. Parsing as chunks arrived kept every event twice (its text, and the
 * strings of its parse) for as long as the upload lasted; those outlived young-generation
 * collections, and 100 uploads refused at the limit grew the heap by 60-100 MB. Held as
 * chunks, a body costs its own bytes, which is what the inflight-bytes cap counts.
 */
async function received(chunks: AsyncIterable<Buffer>): Promise<Buffer[]> {
  const parts: Buffer[] = []
  for await (const chunk of chunks) parts.push(chunk)
  return parts
}

/** A JSON body as it streams in; bounded by the body limit already. */
export async function parseJson(chunks: AsyncIterable<Buffer>, limits: EventLimits): Promise<IngestEvent[]> {
  const parts = await received(chunks)
  return parseJsonBody(parts.length === 1 ? parts[0]! : Buffer.concat(parts), limits)
}

/**
 * NDJSON, parsed line by line as chunks are pushed, without joining them. Blank lines
 * and CRLF endings are allowed; a line longer than the event limit is refused before it
 * is complete.
 */
export class NdjsonParser {
  readonly #limits: EventLimits
  readonly #events: IngestEvent[] = []
  #line = 0
  /** The unfinished line's pieces, from chunks that had no newline after them. */
  #pending: Buffer[] = []
  #pendingBytes = 0

  constructor(limits: EventLimits) {
    this.#limits = limits
  }

  push(chunk: Buffer): void {
    let start = 0
    let nl = chunk.indexOf(NEWLINE)
    if (this.#pending.length > 0) {
      if (nl === -1) return this.#keep(chunk)
      // Only the line that straddles chunks is copied, never the chunk it ends in.
      this.#pending.push(chunk.subarray(0, nl))
      this.#take(Buffer.concat(this.#pending, this.#pendingBytes + nl))
      this.#pending = []
      this.#pendingBytes = 0
      start = nl + 1
      nl = chunk.indexOf(NEWLINE, start)
    }
    for (; nl !== -1; nl = chunk.indexOf(NEWLINE, start)) {
      this.#take(chunk.subarray(start, nl))
      start = nl + 1
    }
    // A copy of the unfinished line, so that the chunk it came in is not kept for it.
    if (start < chunk.length) this.#keep(Buffer.from(chunk.subarray(start)))
  }

  end(): IngestEvent[] {
    if (this.#pending.length > 0) this.#take(Buffer.concat(this.#pending, this.#pendingBytes))
    if (this.#events.length === 0) throw invalidEvent(0, 'body has no events')
    return this.#events
  }

  #keep(part: Buffer): void {
    this.#pending.push(part)
    this.#pendingBytes += part.length
    if (this.#pendingBytes > this.#limits.maxEventBytes + 1) {
      throw payloadTooLarge(this.#limits.maxEventBytes, this.#events.length, `line ${this.#line + 1} is longer than the event limit`)
    }
  }

  #take(line: Buffer): void {
    const number = ++this.#line
    // The event is the line without the whitespace around it (and the CR of a CRLF).
    let from = 0
    let to = line.length
    while (from < to && isJsonSpace(line[from])) from++
    while (to > from && isJsonSpace(line[to - 1])) to--
    if (from === to) return
    const bytes = from === 0 && to === line.length ? line : line.subarray(from, to)
    const index = this.#events.length
    if (!isUtf8(bytes)) throw invalidEvent(index, `line ${number}: not valid UTF-8`)
    try {
      this.#events.push(eventFrom(bytes.toString('utf8'), bytes.length, index, this.#limits, false, 'not valid JSON'))
    } catch (error) {
      if (error instanceof SluiceError && typeof error.body.detail === 'string') error.body.detail = `line ${number}: ${error.body.detail}`
      throw error
    }
  }
}

/** An NDJSON body as it streams in; bounded by the body limit already. */
export async function parseNdjson(chunks: AsyncIterable<Buffer>, limits: EventLimits): Promise<IngestEvent[]> {
  const parts: Array<Buffer | undefined> = await received(chunks)
  const parser = new NdjsonParser(limits)
  for (let i = 0; i < parts.length; i++) {
    parser.push(parts[i]!)
    parts[i] = undefined // parsed lines are copies: the chunk can go
  }
  return parser.end()
}

/** Parses a body that was read whole. */
export function parseBody(format: BodyFormat, body: Buffer, limits: EventLimits): IngestEvent[] {
  if (format === 'json') return parseJsonBody(body, limits)
  const parser = new NdjsonParser(limits)
  parser.push(body)
  return parser.end()
}
