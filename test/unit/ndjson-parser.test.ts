import { describe, expect, it } from 'vitest'
import { NdjsonParser, parseBody } from '../../server/pipeline/parse.ts'
import { thrown } from '../support/thrown.ts'

const LIMITS = { maxEventBytes: 1024, maxEventDepth: 8 }

/** Feeds `body` to a parser in pieces of `size` bytes and returns the events' JSON text. */
function parseInPieces(body: Buffer, size: number): string[] {
  const parser = new NdjsonParser(LIMITS)
  for (let at = 0; at < body.length; at += size) parser.push(body.subarray(at, at + size))
  return parser.end().map((event) => event.raw)
}

describe('NdjsonParser', () => {
  const lines = Array.from({ length: 12 }, (_, n) => JSON.stringify({ n, text: 'é€😀'.repeat(n) }))
  const body = Buffer.from(`${lines.join('\n')}\n`)

  it('gives the same events however the body is cut, through lines and characters', () => {
    for (const size of [1, 2, 3, 5, 7, 64, body.length]) expect(parseInPieces(body, size), `pieces of ${size}`).toEqual(lines)
  })

  it('takes a last line without a newline, CRLF endings and blank lines', () => {
    const parser = new NdjsonParser(LIMITS)
    parser.push(Buffer.from('{"a":1}\r\n\r\n  \n{"a"'))
    parser.push(Buffer.from(':2}\r'))
    parser.push(Buffer.from('\n{"a":3}'))
    expect(parser.end().map((event) => event.raw)).toEqual(['{"a":1}', '{"a":2}', '{"a":3}'])
  })

  it('counts each event in UTF-8 bytes', () => {
    const [event] = parseBody('ndjson', Buffer.from('{"t":"€"}\n'), LIMITS)
    expect(event?.bytes).toBe(11)
  })

  it('refuses a line over the event limit before the line is complete', () => {
    const parser = new NdjsonParser(LIMITS)
    parser.push(Buffer.from('{"ok":1}\n'))
    const error = thrown(() => parser.push(Buffer.from(`{"pad":"${'x'.repeat(2_000)}`)))
    expect(error).toMatchObject({ code: 'payload_too_large', status: 413 })
  })

  it.each([
    ['malformed JSON', '{"a":1}\n{"a":\n', 'invalid_event'],
    ['a line that is not an object', '{"a":1}\n[1,2]\n', 'invalid_event'],
    ['bytes that are not UTF-8', '{"a":"\xff"}\n', 'invalid_event'],
    ['only blank lines', '\n \r\n\n', 'invalid_event'],
  ])('refuses %s', (_name, text, code) => {
    const body = Buffer.from(text, text.includes('\xff') ? 'latin1' : 'utf8')
    expect(thrown(() => parseBody('ndjson', body, LIMITS))).toMatchObject({ code, status: 400 })
  })

  it('parses a JSON body as one event or an array of them', () => {
    expect(parseBody('json', Buffer.from('{"a":1}'), LIMITS).map((event) => event.raw)).toEqual(['{"a":1}'])
    expect(parseBody('json', Buffer.from('[{"a":1},{"b":2}]'), LIMITS).map((event) => event.raw)).toEqual(['{"a":1}', '{"b":2}'])
    expect(thrown(() => parseBody('json', Buffer.from('[]'), LIMITS))).toMatchObject({ code: 'invalid_event' })
  })
})
