import type { IngestEvent } from './event.ts'

const COPY_SPECIAL = /[\\\t\n\r]/
const COPY_SPECIAL_ALL = /[\\\t\n\r]/g
const COPY_ESCAPES: Record<string, string> = { '\\': '\\\\', '\t': '\\t', '\n': '\\n', '\r': '\\r' }
const COPY_ESCAPED_ALL = /\\(.)/g
const COPY_UNESCAPES: Record<string, string> = { '\\': '\\', t: '\t', n: '\n', r: '\r' }

/** COPY text format: backslash, tab, newline and CR must be escaped; \N is NULL. */
function copyField(value: string | null): string {
  if (value === null) return '\\N'
  return COPY_SPECIAL.test(value) ? value.replace(COPY_SPECIAL_ALL, (ch) => COPY_ESCAPES[ch]!) : value
}

function parseField(field: string): string | null {
  if (field === '\\N') return null
  return field.includes('\\') ? field.replace(COPY_ESCAPED_ALL, (_, ch: string) => COPY_UNESCAPES[ch] ?? ch) : field
}

/** The rows `copy events (event_id, type, ts, payload) from stdin` reads, one per event. */
export function copyText(events: readonly IngestEvent[]): string {
  let text = ''
  for (const event of events) {
    text += `${copyField(event.id)}\t${copyField(event.type)}\t${copyField(event.ts)}\t${copyField(event.raw)}\n`
  }
  return text
}

/**
 * The events back from copyText's rows (the spool stores them so). Every field was
 * escaped, so a literal tab or newline only ever separates fields and rows.
 */
export function parseCopyText(text: string): IngestEvent[] {
  const events: IngestEvent[] = []
  let start = 0
  while (start < text.length) {
    let end = text.indexOf('\n', start)
    if (end === -1) end = text.length
    const [id = '', type = '', ts = '', raw = ''] = text.slice(start, end).split('\t')
    const payload = parseField(raw)!
    events.push({ id: parseField(id), type: parseField(type), ts: parseField(ts), raw: payload, bytes: Buffer.byteLength(payload) })
    start = end + 1
  }
  return events
}

const NEWLINE = 0x0a

/**
 * Events as the rows `copy events ... from stdin` reads: one Buffer of COPY text and the
 * byte offset where each row ends. This is what the queue holds and the COPY writer
 * sends as it is. A request's events cost one Buffer outside the JavaScript heap instead
 * of an object and four strings each, which the collector had to trace and, once the
 * events outlived a young-generation collection, left as old-generation garbage.
 */
export class CopyRows {
  private constructor(
    readonly text: Buffer,
    /** ends[i]: the offset just past row i's newline (small integers: no typed array to allocate per request). */
    readonly ends: readonly number[],
  ) {}

  static of(events: readonly IngestEvent[]): CopyRows {
    return CopyRows.fromText(Buffer.from(copyText(events)), events.length)
  }

  /**
   * Rows already in COPY text (a spool record's payload). Escaping leaves a newline byte
   * only at the end of a row, and UTF-8 never puts one inside a character.
   */
  static fromText(text: Buffer, count: number): CopyRows {
    const ends: number[] = []
    let rows = 0
    if (count === 1) {
      // One event, the commonest request: its row ends where the text does.
      if (text[text.length - 1] === NEWLINE) ends[rows++] = text.length
    } else {
      for (let at = text.indexOf(NEWLINE); at !== -1 && rows < count; at = text.indexOf(NEWLINE, at + 1)) ends[rows++] = at + 1
    }
    if (rows !== count || (count > 0 && ends[count - 1] !== text.length)) {
      throw new Error(`COPY text holds ${rows} rows in ${text.length} bytes; ${count} were expected`)
    }
    return new CopyRows(text, ends)
  }

  /** Rows of several into one, in order: a batch is written as one Buffer. */
  static concat(parts: readonly CopyRows[]): CopyRows {
    if (parts.length === 1) return parts[0]!
    let count = 0
    for (const part of parts) count += part.count
    const ends: number[] = new Array(count)
    let row = 0
    let base = 0
    for (const part of parts) {
      for (let i = 0; i < part.count; i++) ends[row++] = base + part.ends[i]!
      base += part.bytes
    }
    return new CopyRows(Buffer.concat(parts.map((part) => part.text), base), ends)
  }

  get count(): number {
    return this.ends.length
  }

  get bytes(): number {
    return this.text.length
  }

  /** Where row `i` starts (`count` for the end). */
  start(i: number): number {
    return i === 0 ? 0 : this.ends[i - 1]!
  }

  /** Rows `from` to `to - 1`, sharing this one's bytes. */
  slice(from: number, to = this.count): CopyRows {
    if (from === 0 && to === this.count) return this
    const base = this.start(from)
    const ends = this.ends.slice(from, to)
    for (let i = 0; i < ends.length; i++) ends[i] = ends[i]! - base
    return new CopyRows(this.text.subarray(base, this.start(to)), ends)
  }

  /** The events back, for the writers that need their fields (INSERT, the dead-letter table). */
  events(): IngestEvent[] {
    return parseCopyText(this.text.toString('utf8'))
  }
}
