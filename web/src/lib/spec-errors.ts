import { BAD_KINDS, type BadKind, type BurstModel } from '../../../shared/bursts.ts'
import { bytes } from '../../../shared/format.ts'
import { ApiError, errorText } from '../api.ts'
import { BAD_LABELS, FormError, type FormField } from './spec-form.ts'

interface FieldText {
  field: FormField
  label: string
  /** The form's unit is the API's divided by this (seconds against milliseconds). */
  scale?: number
  unit?: string
}

const numberText = new Intl.NumberFormat('en', { maximumFractionDigits: 3 })

/** The API's field names (invalid_spec `field`) as the form shows them. */
function fieldText(apiField: string, model: BurstModel): FieldText | null {
  const level = model === 'closed' ? 'connections' : 'requests/s'
  const shapeField = /^shape\.(level|from|to|base|peak|levels)(?:\.\d+)?$/.exec(apiField)?.[1]
  if (shapeField) return { field: shapeField as FormField, label: shapeField[0]!.toUpperCase() + shapeField.slice(1), unit: level }
  if (apiField === 'shape') return { field: 'shape', label: 'Shape' }
  const bad = /^bad\.(\w+)$/.exec(apiField)?.[1]
  if (bad && (BAD_KINDS as readonly string[]).includes(bad)) return { field: `bad.${bad as BadKind}`, label: BAD_LABELS[bad as BadKind], scale: 0.01, unit: '%' }
  const table: Record<string, FieldText> = {
    durationMs: { field: 'durationS', label: 'Duration', scale: 1000, unit: 's' },
    'shape.atMs': { field: 'atS', label: 'Spike at', scale: 1000, unit: 's' },
    'shape.forMs': { field: 'forS', label: 'Spike for', scale: 1000, unit: 's' },
    'shape.kind': { field: 'shape', label: 'Shape' },
    model: { field: 'model', label: 'Model' },
    ack: { field: 'ack', label: 'Acknowledge' },
    body: { field: 'eventsPerRequest', label: 'Body (events per request × event size)' },
    'body.eventsPerRequest': { field: 'eventsPerRequest', label: 'Events per request' },
    'body.eventBytes': { field: 'eventBytes', label: 'Event size', unit: 'bytes' },
    'body.format': { field: 'format', label: 'Body format' },
    bad: { field: 'bad', label: 'Bad traffic', scale: 0.01, unit: '%' },
    dripMs: { field: 'dripMs', label: 'Drip time', unit: 'ms' },
  }
  return table[apiField] ?? null
}

/** "expected 100 to 600000, got 100000000" in the form's units: "0.1 to 600 s; you entered 100,000". */
function rewordDetail(detail: string, text: FieldText): string {
  const scale = text.scale ?? 1
  const n = (raw: string) => numberText.format(Number(raw) / scale)
  const unit = text.unit === '%' ? '%' : text.unit ? ` ${text.unit}` : ''
  const range = /^expected (-?[\d.e+]+) to (-?[\d.e+]+), got (-?[\d.e+]+)$/.exec(detail)
  if (range) {
    const [, min = '', max = '', got = ''] = range
    return Number(got) > Number(max) ? `at most ${n(max)}${unit} on this server; you entered ${n(got)}.` : `at least ${n(min)}${unit}; you entered ${n(got)}.`
  }
  const over = /^shares add up to ([\d.e+-]+); at most 1$/.exec(detail)
  if (over) return `the shares add up to ${numberText.format(Number(over[1]) * 100)}%; at most 100%.`
  return `${detail
    .replace(/^expected a whole number$/, 'enter a whole number')
    .replace(/^expected a number$/, 'enter a number')
    .replace(/(\d{5,}) bytes/g, (_, b: string) => bytes(Number(b)))
    .replace(/^the level is zero throughout: nothing would be sent$/, 'the level is zero throughout, so nothing would be sent')}.`
}

/**
 * Why a custom burst did not start, pointing at the form field to fix when there is one:
 * the form's words and units rather than the API's (`durationMs`, `shape.atMs`, `oversized_1mb`).
 */
export function startErrorOf(error: unknown, model: BurstModel): { field: FormField | null; message: string } {
  if (error instanceof FormError) return { field: error.field, message: error.message }
  if (error instanceof ApiError && error.code === 'invalid_spec' && error.field) {
    const text = fieldText(error.field, model)
    if (text) return { field: text.field, message: `${text.label}: ${rewordDetail(error.detail, text)}` }
  }
  return { field: null, message: errorText(error, 'The burst did not start') }
}
