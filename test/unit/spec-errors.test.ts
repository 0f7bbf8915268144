import { describe, expect, it } from 'vitest'
import { ApiError, UNREACHABLE } from '../../web/src/api.ts'
import { startErrorOf } from '../../web/src/lib/spec-errors.ts'
import { FormError } from '../../web/src/lib/spec-form.ts'

const refused = (field: string, detail: string) => new ApiError(400, 'invalid_spec', detail, field)

describe('why a custom burst did not start, in the form\'s words', () => {
  it('names the form field and converts the API\'s units to the form\'s', () => {
    expect(startErrorOf(refused('durationMs', 'expected 100 to 600000, got 100000000'), 'open')).toEqual({ field: 'durationS', message: 'Duration: at most 600 s on this server; you entered 100,000.' })
    expect(startErrorOf(refused('shape.atMs', 'expected 0 to 9999, got 12000'), 'open')).toEqual({ field: 'atS', message: 'Spike at: at most 9.999 s on this server; you entered 12.' })
    expect(startErrorOf(refused('shape.level', 'expected 0 to 2000, got 5000'), 'closed').message).toBe('Level: at most 2,000 connections on this server; you entered 5,000.')
    expect(startErrorOf(refused('shape.levels.2', 'expected 0 to 20000, got 50000'), 'open')).toMatchObject({ field: 'levels', message: 'Levels: at most 20,000 requests/s on this server; you entered 50,000.' })
  })

  it('speaks of bad traffic in percent and by the form\'s labels, never the API\'s kind names', () => {
    expect(startErrorOf(refused('bad.oversized_1mb', 'expected 0 to 1, got 1.5'), 'open')).toEqual({ field: 'bad.oversized_1mb', message: '1 MB bodies: at most 100% on this server; you entered 150.' })
    expect(startErrorOf(refused('bad', 'shares add up to 1.2; at most 1'), 'open')).toEqual({ field: 'bad', message: 'Bad traffic: the shares add up to 120%; at most 100%.' })
    expect(startErrorOf(refused('body', 'a normal body may be at most 16777216 bytes'), 'open').message).toBe('Body (events per request × event size): a normal body may be at most 16.0 MB.')
  })

  it('says the server did not answer rather than "Failed to fetch", pointing at no field', () => {
    const error = startErrorOf(new ApiError(0, UNREACHABLE, 'no answer from 127.0.0.1:8080'), 'open')
    expect(error.field).toBeNull()
    expect(error.message).toMatch(/^The burst did not start: the Sluice server did not answer/)
  })

  it('passes the form\'s own checks through with their field', () => {
    expect(startErrorOf(new FormError('eventBytes', 'Event size: enter a number of at least 1.'), 'open')).toEqual({ field: 'eventBytes', message: 'Event size: enter a number of at least 1.' })
  })
})
