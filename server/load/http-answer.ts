/** One HTTP/1.1 response, as far as the load generator needs it. */
export interface Answer {
  readonly status: number
  /** The body's first MAX_ANSWER_BYTES, decoded; '' unless the status is 2xx. */
  readonly text: string
  /** The server will not take another request on this connection. */
  readonly close: boolean
  /** Bytes came after the answer: nothing we asked for, so the connection is not to be trusted. */
  readonly trailing: boolean
}

/** What the server sent is not HTTP/1.1 we can read. */
export class AnswerSyntaxError extends Error {
  readonly code = 'ERR_ANSWER_SYNTAX'
}

// Ingest answers are a few dozen bytes; anything longer is not one of ours to count.
const MAX_ANSWER_BYTES = 1024
// Node's own limit on a response head (--max-http-header-size) is 16 KiB.
const MAX_HEAD_BYTES = 16 * 1024
// A chunk-size line or a trailer line longer than this is garbage, not HTTP.
const MAX_LINE_CHARS = 1024
const HEAD_END = Buffer.from('\r\n\r\n')
const LF = 0x0a
const STATUS_LINE = /^HTTP\/1\.([01]) (\d{3})(?: |$)/
const DIGITS = /^\d+$/
const HEX = /^[0-9a-fA-F]+$/
// No whitespace may come between a field name and its colon (RFC 9112 §5.1).
const CONNECTION = 'connection'
const CONTENT_LENGTH = 'content-length'
const TRANSFER_ENCODING = 'transfer-encoding'

type State = 'head' | 'length' | 'until-close' | 'chunk-size' | 'chunk-data' | 'chunk-end' | 'trailers'

/**
 * Reads one response at a time from a connection's bytes, however they are split: a head
 * (status line, headers by case-insensitive name), then a body delimited by Content-Length,
 * by chunked transfer coding, or by the server closing the connection (RFC 9112 §6.3).
 * Interim 1xx answers are skipped. Only a 2xx body's start is kept, for its `accepted`.
 */
export class AnswerParser {
  #state: State = 'head'
  // Head bytes received so far, before the blank line.
  #head: Buffer | undefined
  #status = 0
  #close = false
  #keep = false
  #left = 0
  #kept: Buffer[] = []
  #keptBytes = 0
  // A chunk-size or trailer line not yet ended.
  #line = ''

  /** The head is in: the answer has a status, even if its body never completes. */
  get status(): number | undefined {
    return this.#state === 'head' ? undefined : this.#status
  }

  /** Readies the parser for the next request's answer on the same connection. */
  reset(): void {
    this.#state = 'head'
    this.#head = undefined
    this.#status = 0
    this.#close = false
    this.#keep = false
    this.#left = 0
    this.#kept = []
    this.#keptBytes = 0
    this.#line = ''
  }

  /** Feeds the next bytes; returns the answer once complete. Throws AnswerSyntaxError. */
  push(chunk: Buffer): Answer | undefined {
    let bytes = chunk
    let at = 0
    while (at < bytes.length) {
      switch (this.#state) {
        case 'head': {
          const from = this.#head ? Math.max(0, this.#head.length - 3) : 0
          const buffered = this.#head ? Buffer.concat([this.#head, bytes.subarray(at)]) : at === 0 ? bytes : bytes.subarray(at)
          const end = buffered.indexOf(HEAD_END, from)
          if (end === -1) {
            if (buffered.length > MAX_HEAD_BYTES) throw new AnswerSyntaxError(`a response head over ${MAX_HEAD_BYTES} bytes`)
            this.#head = buffered
            return undefined
          }
          this.#head = undefined
          this.#readHead(buffered.toString('latin1', 0, end))
          bytes = buffered
          at = end + HEAD_END.length
          break
        }
        case 'length':
        case 'chunk-data': {
          const taken = Math.min(this.#left, bytes.length - at)
          this.#keepBody(bytes, at, taken)
          at += taken
          this.#left -= taken
          if (this.#left === 0) this.#state = this.#state === 'length' ? 'head' : 'chunk-end'
          break
        }
        case 'until-close':
          this.#keepBody(bytes, at, bytes.length - at)
          return undefined
        case 'chunk-size':
        case 'chunk-end':
        case 'trailers': {
          const lf = bytes.indexOf(LF, at)
          const piece = bytes.toString('latin1', at, lf === -1 ? bytes.length : lf)
          if (this.#line.length + piece.length > MAX_LINE_CHARS) throw new AnswerSyntaxError('a chunk line too long')
          this.#line += piece
          if (lf === -1) return undefined
          at = lf + 1
          const line = this.#line.endsWith('\r') ? this.#line.slice(0, -1) : this.#line
          this.#line = ''
          this.#readLine(line)
          break
        }
      }
      if (this.#state === 'head' && this.#status !== 0) return this.#answer(at < bytes.length)
    }
    return undefined
  }

  /** The server closed the connection: the answer, if closing is what ends its body. */
  end(): Answer | undefined {
    return this.#state === 'until-close' ? this.#answer(false) : undefined
  }

  #readHead(head: string): void {
    const lines = head.split('\r\n')
    const statusLine = STATUS_LINE.exec(lines[0]!)
    if (!statusLine) throw new AnswerSyntaxError('not an HTTP/1.x status line')
    const status = Number(statusLine[2])
    // HTTP/1.0 closes unless it says keep-alive (RFC 9112 §9.3).
    let close = statusLine[1] === '0'
    let length: number | undefined
    let chunked = false
    let encoded = false
    for (let i = 1; i < lines.length; i++) {
      const line = lines[i]!
      const colon = line.indexOf(':')
      if (colon <= 0) throw new AnswerSyntaxError('a header line without a name')
      // Only three names matter; the rest (Date, Keep-Alive...) are skipped by length before
      // any slicing or lower-casing, which took #readHead from 7% to 5% of the generator's
      // busy time (CPU profile, closed burst of 50 connections on loopback).
      if (colon !== CONNECTION.length && colon !== CONTENT_LENGTH.length && colon !== TRANSFER_ENCODING.length) continue
      const name = line.slice(0, colon).toLowerCase()
      const value = line.slice(colon + 1).trim()
      if (name === CONTENT_LENGTH) {
        if (!DIGITS.test(value) || (length !== undefined && length !== Number(value))) throw new AnswerSyntaxError('a bad Content-Length')
        length = Number(value)
      } else if (name === TRANSFER_ENCODING) {
        encoded = true
        // Chunked only counts as the final coding; anything else runs to the close (§6.3).
        chunked = value.toLowerCase().split(',').at(-1)!.trim() === 'chunked'
      } else if (name === CONNECTION) {
        const options = value.toLowerCase().split(',').map((option) => option.trim())
        if (options.includes('close')) close = true
        else if (options.includes('keep-alive')) close = false
      }
    }
    if (status < 200) {
      // 101 would switch protocols, which we never ask for; other 1xx are interim, the real answer follows.
      if (status === 101) throw new AnswerSyntaxError('an unasked-for protocol switch')
      return
    }
    this.#status = status
    this.#close = close
    this.#keep = status < 300
    if (status === 204 || status === 304) this.#state = 'head'
    else if (encoded) this.#state = chunked ? 'chunk-size' : 'until-close'
    else if (length !== undefined) {
      this.#left = length
      this.#state = length === 0 ? 'head' : 'length'
    } else this.#state = 'until-close'
    // A body that runs to the close leaves nothing to reuse the connection for.
    if (this.#state === 'until-close') this.#close = true
  }

  #readLine(line: string): void {
    switch (this.#state) {
      case 'chunk-size': {
        // Chunk extensions after ';' carry nothing for us.
        const size = line.split(';', 1)[0]!.trim()
        if (!HEX.test(size) || size.length > 8) throw new AnswerSyntaxError('a bad chunk size')
        this.#left = parseInt(size, 16)
        this.#state = this.#left === 0 ? 'trailers' : 'chunk-data'
        return
      }
      case 'chunk-end':
        if (line !== '') throw new AnswerSyntaxError('a chunk longer than its size')
        this.#state = 'chunk-size'
        return
      default:
        // Trailer fields until the blank line that ends the message.
        if (line === '') this.#state = 'head'
    }
  }

  #keepBody(bytes: Buffer, at: number, count: number): void {
    if (!this.#keep || count === 0 || this.#keptBytes >= MAX_ANSWER_BYTES) return
    const piece = bytes.subarray(at, at + Math.min(count, MAX_ANSWER_BYTES - this.#keptBytes))
    this.#kept.push(piece)
    this.#keptBytes += piece.length
  }

  #answer(trailing: boolean): Answer {
    const kept = this.#kept
    // Decoded once whole: a character split across two reads is not mangled.
    const text = kept.length === 0 ? '' : kept.length === 1 ? kept[0]!.toString('utf8') : Buffer.concat(kept).toString('utf8')
    const answer = { status: this.#status, text, close: this.#close, trailing }
    this.reset()
    return answer
  }
}
