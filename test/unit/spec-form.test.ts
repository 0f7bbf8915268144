import { describe, expect, it } from 'vitest'
import { DEFAULT_FORM, FormError, specFromForm, type SpecForm } from '../../web/src/lib/spec-form.ts'
import { thrown } from '../support/thrown.ts'

const form = (changes: Partial<SpecForm>): SpecForm => ({ ...DEFAULT_FORM, ...changes })

describe('specFromForm', () => {
  it('turns the default form into a steady open-model spec', () => {
    expect(specFromForm(DEFAULT_FORM)).toEqual({
      model: 'open',
      shape: { kind: 'steady', level: 500 },
      durationMs: 10_000,
      body: { eventsPerRequest: 10, eventBytes: 200, format: 'ndjson' },
      ack: 'queued',
    })
  })

  it('builds each shape from its own fields, in milliseconds', () => {
    expect(specFromForm(form({ shape: 'ramp', from: '10', to: '1_000' })).shape).toEqual({ kind: 'ramp', from: 10, to: 1_000 })
    expect(specFromForm(form({ shape: 'step', levels: '5, 50  500' })).shape).toEqual({ kind: 'step', levels: [5, 50, 500] })
    expect(specFromForm(form({ shape: 'spike', base: '1', peak: '9', atS: '0.5', forS: '2' })).shape).toEqual({ kind: 'spike', base: 1, peak: 9, atMs: 500, forMs: 2_000 })
  })

  it('keeps a fractional rate in the open model and rounds connections in the closed one', () => {
    expect(specFromForm(form({ level: '2.5' })).shape).toEqual({ kind: 'steady', level: 2.5 })
    expect(specFromForm(form({ model: 'closed', level: '2.5' })).shape).toEqual({ kind: 'steady', level: 3 })
  })

  it('turns bad-traffic percents into shares, with the drip time only for slow drips', () => {
    const bad = { ...DEFAULT_FORM.bad, malformed: '10' }
    expect(specFromForm(form({ bad }))).toMatchObject({ bad: { malformed: 0.1 } })
    expect(specFromForm(form({ bad })).dripMs).toBeUndefined()
    expect(specFromForm(form({ bad: { ...bad, slow_drip: '5' }, dripMs: '1500' }))).toMatchObject({ bad: { malformed: 0.1, slow_drip: 0.05 }, dripMs: 1_500 })
  })

  it.each([
    ['an empty level', form({ level: ' ' }), 'level', 'Level'],
    ['a negative level', form({ level: '-1' }), 'level', 'Level'],
    ['a duration under 0.1 s', form({ durationS: '0.05' }), 'durationS', 'Duration'],
    ['no events per request', form({ eventsPerRequest: '0' }), 'eventsPerRequest', 'Events per request'],
    ['a step with no levels', form({ shape: 'step', levels: ' , ' }), 'levels', 'Levels'],
    ['bad shares over 100%', form({ bad: { ...DEFAULT_FORM.bad, malformed: '60', disconnect: '50' } }), 'bad', 'Bad traffic'],
  ])('names the field for %s', (_name, input, field, label) => {
    const error = thrown(() => specFromForm(input))
    expect(error).toBeInstanceOf(FormError)
    // The field to mark, and the message in the form's words.
    expect(error).toMatchObject({ field })
    expect((error as Error).message.startsWith(`${label}:`)).toBe(true)
  })
})
