import { describe, expect, it } from 'vitest'
import { AnswerParser, AnswerSyntaxError, type Answer } from '../../server/load/http-answer.ts'
import { thrown } from '../support/thrown.ts'

/** Feeds `wire` in pieces of `size` bytes; every answer completed, in order. */
function answersInPieces(wire: string, size: number, parser = new AnswerParser()): Answer[] {
  const bytes = Buffer.from(wire)
  const answers: Answer[] = []
  for (let at = 0; at < bytes.length; at += size) {
    const answer = parser.push(bytes.subarray(at, at + size))
    if (answer) answers.push(answer)
  }
  return answers
}

const LENGTH = 'HTTP/1.1 202 Accepted\r\nContent-Type: application/json\r\nCONTENT-LENGTH: 14\r\nKeep-Alive: timeout=5\r\n\r\n{"accepted":3}'
const CHUNKED = 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\n5;ext=1\r\n{"acc\r\n9\r\nepted":7}\r\n0\r\nX-Trailer: t\r\n\r\n'

describe('AnswerParser', () => {
  it('reads a Content-Length answer however it is cut, down to single bytes', () => {
    for (const size of [1, 2, 3, 7, 64, LENGTH.length]) {
      expect(answersInPieces(LENGTH, size), `pieces of ${size}`).toEqual([{ status: 202, text: '{"accepted":3}', close: false, trailing: false }])
    }
  })

  it('reads a chunked answer, extensions and trailers included, however it is cut', () => {
    for (const size of [1, 2, 5, CHUNKED.length]) {
      expect(answersInPieces(CHUNKED, size), `pieces of ${size}`).toEqual([{ status: 200, text: '{"accepted":7}', close: false, trailing: false }])
    }
  })

  it('reads answer after answer on one connection', () => {
    const parser = new AnswerParser()
    expect(answersInPieces(LENGTH, 5, parser).map((a) => a.status)).toEqual([202])
    expect(answersInPieces(CHUNKED, 3, parser).map((a) => a.status)).toEqual([200])
    expect(answersInPieces('HTTP/1.1 204 No Content\r\n\r\n', 4, parser)).toEqual([{ status: 204, text: '', close: false, trailing: false }])
  })

  it('says close for Connection: close and for HTTP/1.0 without keep-alive', () => {
    expect(answersInPieces('HTTP/1.1 429 Too Many\r\nconnection: Close\r\ncontent-length: 2\r\n\r\n{}', 4)[0]).toMatchObject({ status: 429, close: true })
    expect(answersInPieces('HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n', 4)[0]).toMatchObject({ status: 200, close: true })
    expect(answersInPieces('HTTP/1.0 200 OK\r\nConnection: keep-alive\r\ncontent-length: 0\r\n\r\n', 4)[0]).toMatchObject({ close: false })
  })

  it('keeps a 2xx body only, and only its first KiB', () => {
    const big = 'x'.repeat(5000)
    expect(answersInPieces(`HTTP/1.1 200 OK\r\ncontent-length: ${big.length}\r\n\r\n${big}`, 700)[0]!.text).toBe('x'.repeat(1024))
    expect(answersInPieces('HTTP/1.1 400 Bad\r\ncontent-length: 14\r\n\r\n{"accepted":3}', 100)[0]!.text).toBe('')
  })

  it('decodes a character split across reads whole', () => {
    const body = '{"note":"é€😀"}'
    const wire = `HTTP/1.1 200 OK\r\ncontent-length: ${Buffer.byteLength(body)}\r\n\r\n${body}`
    expect(answersInPieces(wire, 1)[0]!.text).toBe(body)
  })

  it('skips an interim 100 Continue', () => {
    expect(answersInPieces(`HTTP/1.1 100 Continue\r\n\r\n${LENGTH}`, 3).map((a) => a.status)).toEqual([202])
  })

  it('ends a body with neither length nor chunking at the close, and the connection with it', () => {
    const parser = new AnswerParser()
    expect(answersInPieces('HTTP/1.1 200 OK\r\n\r\n{"accepted":2}', 4, parser)).toEqual([])
    expect(parser.status).toBe(200)
    expect(parser.end()).toEqual({ status: 200, text: '{"accepted":2}', close: true, trailing: false })
  })

  it('knows the status once the head is in, before the body is', () => {
    const parser = new AnswerParser()
    parser.push(Buffer.from('HTTP/1.1 202 Accepted\r\ncontent-length: 14'))
    expect(parser.status).toBeUndefined()
    parser.push(Buffer.from('\r\n\r\n{"acc'))
    expect(parser.status).toBe(202)
    expect(parser.end()).toBeUndefined()
  })

  it('flags bytes after the answer, which nobody asked for', () => {
    expect(answersInPieces(`${LENGTH}HTTP/1.1 200 OK\r\n`, LENGTH.length + 20)[0]).toMatchObject({ status: 202, trailing: true })
  })

  it('refuses what is not HTTP/1.1', () => {
    for (const wire of ['SSH-2.0-OpenSSH\r\n\r\n', 'HTTP/1.1 200 OK\r\nno colon here\r\n\r\n', 'HTTP/1.1 200 OK\r\ncontent-length: 1x\r\n\r\n', 'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n', 'HTTP/1.1 101 Switching\r\n\r\n']) {
      expect(thrown(() => answersInPieces(wire, 4)), wire).toBeInstanceOf(AnswerSyntaxError)
    }
    expect(thrown(() => answersInPieces(`HTTP/1.1 200 OK\r\nx: ${'a'.repeat(20_000)}`, 1000))).toMatchObject({ code: 'ERR_ANSWER_SYNTAX' })
  })
})
