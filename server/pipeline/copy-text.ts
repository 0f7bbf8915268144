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
