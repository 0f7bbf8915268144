import { invalidEvent } from '../errors.ts'

/**
 * A walk over JSON text that builds nothing. It finds each element of a top-level array
 * (so an event sent in an array is stored as its own characters, not re-serialised),
 * and it checks nesting depth and number sizes before anything recursive runs: V8's
 * JSON.parse takes ~1 s and ~60 MB for 1,000,000 levels, JSON.stringify overflows the
 * stack at ~10,000. Syntax is left to JSON.parse on each element.
 */

const TAB = 0x09
const LF = 0x0a
const CR = 0x0d
const SPACE = 0x20
const QUOTE = 0x22
const BACKSLASH = 0x5c
const COMMA = 0x2c
const MINUS = 0x2d
const DOT = 0x2e
const ZERO = 0x30
const NINE = 0x39
const OPEN_BRACKET = 0x5b
const CLOSE_BRACKET = 0x5d
const OPEN_BRACE = 0x7b
const CLOSE_BRACE = 0x7d
const LOWER_E = 0x65
const UPPER_E = 0x45
const PLUS = 0x2b

// PostgreSQL's numeric, which jsonb stores numbers as: at most 131072 digits before the
// decimal point and 16383 after it (trailing zeros count, as written), and an exponent
// within ±(2^31-1)/2. Tried against PostgreSQL 18: 1e131071 casts, 1e131072 fails;
// 1e-16383 casts, 1.0e-16383 fails; 0e999999 casts, 0e-999999 fails.
const NUMERIC_MAX_INTEGER_DIGITS = 131_072
const NUMERIC_MAX_SCALE = 16_383
const NUMERIC_MAX_EXPONENT = 1_073_741_823

/** The shortest text that can hold a number jsonb refuses without an exponent: `0.` and 16384 digits. */
export const SHORTEST_UNSTORABLE_PLAIN_NUMBER = NUMERIC_MAX_SCALE + 3

const isDigit = (code: number) => code >= ZERO && code <= NINE
const isWhitespace = (code: number) => code === SPACE || code === LF || code === CR || code === TAB

/** Index of the first non-whitespace character at or after `at` (JSON whitespace only). */
export function skipWhitespace(text: string, at: number): number {
  while (at < text.length && isWhitespace(text.charCodeAt(at))) at++
  return at
}

/** Index of the quote that closes the string opened at `at`; -1 when it never closes. */
function stringEnd(text: string, at: number): number {
  for (let quote = text.indexOf('"', at + 1); quote !== -1; quote = text.indexOf('"', quote + 1)) {
    let backslashes = 0
    while (text.charCodeAt(quote - 1 - backslashes) === BACKSLASH) backslashes++
    if (backslashes % 2 === 0) return quote
  }
  return -1
}

function digitsEnd(text: string, at: number): number {
  while (isDigit(text.charCodeAt(at))) at++
  return at
}

/** Index of the first non-zero digit in [from, to), or -1. */
function firstNonZero(text: string, from: number, to: number): number {
  for (let at = from; at < to; at++) if (text.charCodeAt(at) !== ZERO) return at
  return -1
}

/**
 * Reads the number token at `at` and returns where it ends; throws when PostgreSQL's
 * numeric could not hold it, so `payload::jsonb` keeps working for every stored row.
 */
function numberEnd(text: string, at: number, index: number): number {
  let end = at
  if (text.charCodeAt(end) === MINUS) end++
  const intStart = end
  end = digitsEnd(text, end)
  const intEnd = end
  let fracEnd = end
  if (text.charCodeAt(end) === DOT) fracEnd = end = digitsEnd(text, end + 1)
  const fracDigits = fracEnd === intEnd ? 0 : fracEnd - intEnd - 1
  const intDigits = intEnd - intStart
  let exponent = 0
  const e = text.charCodeAt(end)
  if (e === LOWER_E || e === UPPER_E) {
    end++
    const sign = text.charCodeAt(end)
    if (sign === MINUS || sign === PLUS) end++
    // Saturates: anything past the bound is refused the same.
    for (; isDigit(text.charCodeAt(end)); end++) if (exponent <= NUMERIC_MAX_EXPONENT) exponent = exponent * 10 + text.charCodeAt(end) - ZERO
    if (sign === MINUS) exponent = -exponent
  } else if (intDigits <= NUMERIC_MAX_INTEGER_DIGITS && fracDigits <= NUMERIC_MAX_SCALE) {
    return end
  }
  const unstorable = () => invalidEvent(index, `number ${text.slice(at, Math.min(end, at + 24))}${end - at > 24 ? '…' : ''} is beyond what PostgreSQL's numeric (and so jsonb) can hold`)
  if (Math.abs(exponent) > NUMERIC_MAX_EXPONENT) throw unstorable()
  if (fracDigits - exponent > NUMERIC_MAX_SCALE) throw unstorable()
  // Digits before the decimal point, counted from the first non-zero one; a zero has none.
  let leading = firstNonZero(text, intStart, intEnd)
  if (leading === -1) {
    const inFraction = firstNonZero(text, intEnd + 1, fracEnd)
    leading = inFraction === -1 ? -1 : inFraction - 1 // as if the point were not there
  }
  if (leading !== -1 && intEnd + exponent - leading > NUMERIC_MAX_INTEGER_DIGITS) throw unstorable()
  return end
}

/**
 * Walks the value at `at` (not whitespace) and returns where it ends. Objects and arrays
 * deeper than `maxDepth` (the value itself is level 1) and unstorable numbers throw
 * 400 invalid_event for event `index`.
 */
export function valueEnd(text: string, at: number, maxDepth: number, index: number): number {
  const first = text.charCodeAt(at)
  if (first === QUOTE) {
    const close = stringEnd(text, at)
    return close === -1 ? text.length : close + 1
  }
  if (first === MINUS || isDigit(first)) return numberEnd(text, at, index)
  if (first !== OPEN_BRACE && first !== OPEN_BRACKET) {
    // A literal (or junk, for JSON.parse to name): up to the next delimiter.
    let end = at
    for (let code = first; end < text.length && !isWhitespace(code) && code !== COMMA && code !== CLOSE_BRACKET && code !== CLOSE_BRACE; code = text.charCodeAt(++end));
    return end
  }
  let depth = 0
  for (let i = at; i < text.length; i++) {
    const code = text.charCodeAt(i)
    if (code === QUOTE) {
      i = stringEnd(text, i)
      if (i === -1) break
    } else if (code === OPEN_BRACE || code === OPEN_BRACKET) {
      if (++depth > maxDepth) throw invalidEvent(index, `event nests deeper than ${maxDepth} levels`)
    } else if (code === CLOSE_BRACE || code === CLOSE_BRACKET) {
      if (--depth === 0) return i + 1
    } else if (code === MINUS || isDigit(code)) {
      i = numberEnd(text, i, index) - 1
    }
  }
  return text.length // unterminated: JSON.parse says where
}

/**
 * The elements of the JSON array that starts at `at`, as [start, end) pairs in one flat
 * list. Each element must be an object; its depth and numbers are checked on the way.
 */
export function arrayElements(text: string, at: number, maxDepth: number): number[] {
  const spans: number[] = []
  let i = skipWhitespace(text, at + 1)
  if (text.charCodeAt(i) === CLOSE_BRACKET) return spans
  for (let index = 0; ; index++) {
    if (text.charCodeAt(i) !== OPEN_BRACE) throw invalidEvent(index, 'an event must be a JSON object')
    const end = valueEnd(text, i, maxDepth, index)
    spans.push(i, end)
    i = skipWhitespace(text, end)
    const next = text.charCodeAt(i)
    if (next === COMMA) {
      i = skipWhitespace(text, i + 1)
    } else if (next === CLOSE_BRACKET) {
      if (skipWhitespace(text, i + 1) < text.length) throw invalidEvent(index, 'body is not valid JSON: more after the closing ]')
      return spans
    } else if (i >= text.length) {
      throw invalidEvent(index, 'body is not valid JSON: it ends before the array is closed')
    } else {
      throw invalidEvent(index, `body is not valid JSON: expected , or ] after event ${index}`)
    }
  }
}

/**
 * Whether one event's text needs `valueEnd` before JSON.parse: only when it could nest
 * past `maxDepth` (more brackets than that) or hold a number jsonb refuses (an exponent,
 * or text long enough for 16384 digits). Most events have a few brackets and no
 * exponent; for them this costs a regex test and a few indexOf calls.
 */
export function needsScan(text: string, maxDepth: number): boolean {
  if (text.length >= SHORTEST_UNSTORABLE_PLAIN_NUMBER || EXPONENT.test(text)) return true
  let brackets = 0
  for (let at = text.indexOf('{'); at !== -1; at = text.indexOf('{', at + 1)) if (++brackets > maxDepth) return true
  for (let at = text.indexOf('['); at !== -1; at = text.indexOf('[', at + 1)) if (++brackets > maxDepth) return true
  return false
}

// A digit before e/E: every JSON exponent has one (also some strings, which only cost a scan).
const EXPONENT = /\d[eE]/
