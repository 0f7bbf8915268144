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

export class FormError extends Error {
  constructor(
    readonly field: string,
    detail: string,
  ) {
    super(`${field}: ${detail}`)
    this.name = 'FormError'
  }
}

function num(value: string, field: string, min = 0): number {
  const n = Number(value.trim().replaceAll('_', ''))
  if (value.trim() === '' || !Number.isFinite(n) || n < min) throw new FormError(field, `expected a number ≥ ${min}`)
  return n
}

/** Builds the spec POST /api/bursts takes; the server checks its caps and says what is wrong. */
export function specFromForm(form: SpecForm): BurstSpec {
  const durationMs = Math.round(num(form.durationS, 'Duration', 0.1) * 1000)
  // Connections are whole; a rate may be fractional.
  const level = (value: string, field: string) => (form.model === 'closed' ? Math.round(num(value, field)) : num(value, field))
  const shape: BurstSpec['shape'] =
    form.shape === 'steady'
      ? { kind: 'steady', level: level(form.level, 'Level') }
      : form.shape === 'ramp'
        ? { kind: 'ramp', from: level(form.from, 'From'), to: level(form.to, 'To') }
        : form.shape === 'step'
          ? { kind: 'step', levels: form.levels.split(/[,\s]+/).filter(Boolean).map((v) => level(v, 'Levels')) }
          : { kind: 'spike', base: level(form.base, 'Base'), peak: level(form.peak, 'Peak'), atMs: Math.round(num(form.atS, 'Spike at') * 1000), forMs: Math.round(num(form.forS, 'Spike for') * 1000) }
  if (shape.kind === 'step' && shape.levels.length === 0) throw new FormError('Levels', 'expected at least one level')
  const bad: Partial<Record<BadKind, number>> = {}
  let badTotal = 0
  for (const kind of BAD_KINDS) {
    const share = num(form.bad[kind], kind) / 100
    if (share > 0) bad[kind] = share
    badTotal += share
  }
  if (badTotal > 1) throw new FormError('Bad traffic', 'the shares add up to more than 100%')
  const spec: BurstSpec = {
    model: form.model,
    shape,
    durationMs,
    body: { eventsPerRequest: Math.round(num(form.eventsPerRequest, 'Events per request', 1)), eventBytes: Math.round(num(form.eventBytes, 'Event size', 1)), format: form.format },
    ack: form.ack,
    ...(badTotal > 0 ? { bad } : {}),
    ...(bad.slow_drip ? { dripMs: Math.round(num(form.dripMs, 'Drip time', 1)) } : {}),
  }
  return spec
}
