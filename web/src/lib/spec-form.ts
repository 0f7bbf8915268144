import { BAD_KINDS, type BadKind, type BodyFormat, type BurstModel, type BurstShapeKind, type BurstSpec } from '../../../shared/bursts.ts'
import { recordOf } from '../../../shared/records.ts'

/** The custom-burst form as the user typed it: strings, so a half-typed number is not lost. */
export interface SpecForm {
  model: BurstModel
  shape: BurstShapeKind
  level: string
  from: string
  to: string
  levels: string
  base: string
  peak: string
  atS: string
  forS: string
  durationS: string
  eventsPerRequest: string
  eventBytes: string
  format: BodyFormat
  ack: 'queued' | 'commit'
  /** Percent of requests of each bad kind. */
  bad: Record<BadKind, string>
  dripMs: string
}

/** A field of the form an error can point at: a key of SpecForm, one bad kind, or the whole bad mix. */
export type FormField = Exclude<keyof SpecForm, 'bad'> | `bad.${BadKind}` | 'bad'

export const BAD_LABELS: Record<BadKind, string> = {
  oversized_1mb: '1 MB bodies',
  oversized_5mb: '5 MB bodies',
  oversized_20mb: '20 MB bodies',
  malformed: 'malformed JSON',
  slow_drip: 'slow drip',
  disconnect: 'hang up mid-body',
}

export const DEFAULT_FORM: SpecForm = {
  model: 'open',
  shape: 'steady',
  level: '500',
  from: '100',
  to: '2000',
  levels: '100, 500, 1000',
  base: '200',
  peak: '2000',
  atS: '3',
  forS: '3',
  durationS: '10',
  eventsPerRequest: '10',
  eventBytes: '200',
  format: 'ndjson',
  ack: 'queued',
  bad: recordOf(BAD_KINDS, () => '0'),
  dripMs: '2000',
}

/** A form value that is not a spec yet: which field, and what it takes, in the form's own words. */
export class FormError extends Error {
  constructor(
    readonly field: FormField,
    message: string,
  ) {
    super(message)
    this.name = 'FormError'
  }
}

function num(value: string, field: FormField, label: string, min = 0): number {
  const n = Number(value.trim().replaceAll('_', ''))
  if (value.trim() === '' || !Number.isFinite(n) || n < min) throw new FormError(field, `${label}: enter a number of at least ${min}.`)
  return n
}

/** Builds the spec POST /api/bursts takes; the server checks its caps and says what is wrong. */
export function specFromForm(form: SpecForm): BurstSpec {
  const durationMs = Math.round(num(form.durationS, 'durationS', 'Duration', 0.1) * 1000)
  // Connections are whole; a rate may be fractional.
  const level = (value: string, field: FormField, label: string) => (form.model === 'closed' ? Math.round(num(value, field, label)) : num(value, field, label))
  const shape: BurstSpec['shape'] =
    form.shape === 'steady'
      ? { kind: 'steady', level: level(form.level, 'level', 'Level') }
      : form.shape === 'ramp'
        ? { kind: 'ramp', from: level(form.from, 'from', 'From'), to: level(form.to, 'to', 'To') }
        : form.shape === 'step'
          ? { kind: 'step', levels: form.levels.split(/[,\s]+/).filter(Boolean).map((v) => level(v, 'levels', 'Levels')) }
          : { kind: 'spike', base: level(form.base, 'base', 'Base'), peak: level(form.peak, 'peak', 'Peak'), atMs: Math.round(num(form.atS, 'atS', 'Spike at') * 1000), forMs: Math.round(num(form.forS, 'forS', 'Spike for') * 1000) }
  if (shape.kind === 'step' && shape.levels.length === 0) throw new FormError('levels', 'Levels: enter at least one level.')
  const bad: Partial<Record<BadKind, number>> = {}
  let badTotal = 0
  for (const kind of BAD_KINDS) {
    const share = num(form.bad[kind], `bad.${kind}`, BAD_LABELS[kind]) / 100
    if (share > 0) bad[kind] = share
    badTotal += share
  }
  if (badTotal > 1) throw new FormError('bad', 'Bad traffic: the shares add up to more than 100%.')
  const spec: BurstSpec = {
    model: form.model,
    shape,
    durationMs,
    body: { eventsPerRequest: Math.round(num(form.eventsPerRequest, 'eventsPerRequest', 'Events per request', 1)), eventBytes: Math.round(num(form.eventBytes, 'eventBytes', 'Event size', 1)), format: form.format },
    ack: form.ack,
    ...(badTotal > 0 ? { bad } : {}),
    ...(bad.slow_drip ? { dripMs: Math.round(num(form.dripMs, 'dripMs', 'Drip time', 1)) } : {}),
  }
  return spec
}
