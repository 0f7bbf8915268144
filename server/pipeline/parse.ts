import { isUtf8 } from 'node:buffer'
import { SluiceError, invalidEvent, payloadTooLarge, unsupportedMediaType } from '../errors.ts'
import { toEvent, type EventLimits, type IngestEvent } from './event.ts'

export type BodyFormat = 'json' | 'ndjson'

const FORMATS: Record<string, BodyFormat> = {
  'application/json': 'json',
  'application/x-ndjson': 'ndjson',
  'application/ndjson': 'ndjson',
  'application/jsonl': 'ndjson',
}

/** Maps a Content-Type header to a body format; anything else is 415. */
export function bodyFormat(contentType: string | undefined): BodyFormat {
  const [mediaType = '', ...params] = (contentType ?? '').split(';')
  const format = FORMATS[mediaType.trim().toLowerCase()]
  if (!format) throw unsupportedMediaType(`expected application/json or application/x-ndjson, got "${contentType ?? ''}"`)
  for (const param of params) {
    const [name, value] = param.split('=').map((part) => part.trim().toLowerCase())
    if (name === 'charset' && value !== 'utf-8' && value !== 'utf8') throw unsupportedMediaType(`charset "${value}" is not supported; send UTF-8`)
  }
  return format
}

function parseJsonText(text: string, index: number, where: string): unknown {
  try {
    return JSON.parse(text)
  } catch (error) {
    throw invalidEvent(index, `${where}: ${(error as Error).message}`)
  }
}

/** A JSON body, whole: one event object or an array of them. */
export function parseJsonBody(body: Buffer, limits: EventLimits): IngestEvent[] {
  if (!isUtf8(body)) throw invalidEvent(0, 'body is not valid UTF-8')
  const text = body.toString('utf8')
  if (text.trim() === '') throw invalidEvent(0, 'body is empty')
  const value = parseJsonText(text, 0, 'body is not valid JSON')
  if (!Array.isArray(value)) return [toEvent(value, text, 0, limits)]
  if (value.length === 0) throw invalidEvent(0, 'body is an empty array')
  return value.map((item, index) => toEvent(item, undefined, index, limits))
}

/** A JSON body as it streams in; bounded by the body limit already. */
export async function parseJson(chunks: AsyncIterable<Buffer>, limits: EventLimits): Promise<IngestEvent[]> {
  const parts: Buffer[] = []
  for await (const chunk of chunks) parts.push(chunk)
  return parseJsonBody(Buffer.concat(parts), limits)
}

const NEWLINE = 0x0a
const CR = 0x0d

/**
 * NDJSON, parsed line by line as chunks are pushed. Blank lines and CRLF endings are
 * allowed; a line longer than the event limit is refused before it is complete.
 */
export class NdjsonParser {
  readonly #limits: EventLimits
  readonly #events: IngestEvent[] = []
  #line = 0
  #pending: Buffer | undefined

  constructor(limits: EventLimits) {
    this.#limits = limits
  }

  push(chunk: Buffer): void {
    const buf = this.#pending ? Buffer.concat([this.#pending, chunk]) : chunk
    let start = 0
    for (let nl = buf.indexOf(NEWLINE); nl !== -1; nl = buf.indexOf(NEWLINE, start)) {
      this.#take(buf.subarray(start, nl))
      start = nl + 1
    }
    this.#pending = start < buf.length ? buf.subarray(start) : undefined
    if (this.#pending && this.#pending.length > this.#limits.maxEventBytes + 1) {
      throw payloadTooLarge(this.#limits.maxEventBytes, this.#events.length, `line ${this.#line + 1} is longer than the event limit`)
    }
  }

  end(): IngestEvent[] {
    if (this.#pending) this.#take(this.#pending)
    if (this.#events.length === 0) throw invalidEvent(0, 'body has no events')
    return this.#events
  }

  #take(bytes: Buffer): void {
    const line = ++this.#line
    let end = bytes.length
    if (end > 0 && bytes[end - 1] === CR) end--
    const slice = bytes.subarray(0, end)
    const index = this.#events.length
    if (!isUtf8(slice)) throw invalidEvent(index, `line ${line}: not valid UTF-8`)
    const text = slice.toString('utf8')
    if (text.trim() === '') return
    const value = parseJsonText(text, index, `line ${line}`)
    try {
      this.#events.push(toEvent(value, text, index, this.#limits))
    } catch (error) {
      if (error instanceof SluiceError && typeof error.body.detail === 'string') error.body.detail = `line ${line}: ${error.body.detail}`
      throw error
    }
  }
}

export async function parseNdjson(chunks: AsyncIterable<Buffer>, limits: EventLimits): Promise<IngestEvent[]> {
  const parser = new NdjsonParser(limits)
  for await (const chunk of chunks) parser.push(chunk)
  return parser.end()
}

/** Parses a body that was read whole. */
export function parseBody(format: BodyFormat, body: Buffer, limits: EventLimits): IngestEvent[] {
  if (format === 'json') return parseJsonBody(body, limits)
  const parser = new NdjsonParser(limits)
  parser.push(body)
  return parser.end()
}
