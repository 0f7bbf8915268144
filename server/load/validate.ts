import {
  BAD_KINDS,
  BODY_FORMATS,
  BURST_MODELS,
  type BadKind,
  type BurstBody,
  type BurstKnobs,
  type BurstShape,
  type BurstSpec,
} from '../../shared/bursts.ts'
import type { BurstCaps } from '../../shared/api.ts'
import { checkKnobPatch, InvalidValue, oneOf as checkOneOf } from '../../shared/knobs.ts'
import { invalidSpec } from '../errors.ts'
import { peakLevel } from './shape.ts'

export type { BurstCaps } from '../../shared/api.ts'

const MIN_DURATION_MS = 100
const MAX_STEPS = 100
const MAX_EVENTS_PER_REQUEST = 10_000
const MAX_EVENT_BYTES = 1024 * 1024
// A normal body this big is itself "oversized" traffic: ask for that with `bad` instead.
const MAX_NORMAL_BODY_BYTES = 16 * 1024 * 1024
const MAX_DRIP_MS = 60_000

/** Runs a shared check, answering 400 `invalid_spec` for the field it names. */
function specCheck<T>(check: () => T): T {
  try {
    return check()
  } catch (error) {
    if (error instanceof InvalidValue) throw invalidSpec(error.field, error.detail)
    throw error
  }
}

type Fields = Record<string, unknown>

function object(value: unknown, field: string, allowed: readonly string[]): Fields {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) throw invalidSpec(field, 'expected an object')
  for (const key of Object.keys(value)) {
    if (!allowed.includes(key)) throw invalidSpec(field ? `${field}.${key}` : key, `unknown field; expected one of ${allowed.join(', ')}`)
  }
  return value as Fields
}

function number(value: unknown, field: string, min: number, max: number, integer = false): number {
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidSpec(field, 'expected a number')
  if (integer && !Number.isInteger(value)) throw invalidSpec(field, 'expected a whole number')
  if (value < min || value > max) throw invalidSpec(field, `expected ${min} to ${max}, got ${value}`)
  return value
}

const oneOf = <T extends string>(value: unknown, field: string, allowed: readonly T[]): T => specCheck(() => checkOneOf(field, value, allowed))

function shapeOf(value: unknown, durationMs: number, levelMax: number, integer: boolean): BurstShape {
  const kind = object(value, 'shape', ['kind', 'level', 'from', 'to', 'levels', 'base', 'peak', 'atMs', 'forMs']).kind
  const level = (v: unknown, field: string) => number(v, `shape.${field}`, 0, levelMax, integer)
  let shape: BurstShape
  switch (oneOf(kind, 'shape.kind', ['steady', 'ramp', 'step', 'spike'] as const)) {
    case 'steady': {
      const s = object(value, 'shape', ['kind', 'level'])
      shape = { kind: 'steady', level: level(s.level, 'level') }
      break
    }
    case 'ramp': {
      const s = object(value, 'shape', ['kind', 'from', 'to'])
      shape = { kind: 'ramp', from: level(s.from, 'from'), to: level(s.to, 'to') }
      break
    }
    case 'step': {
      const s = object(value, 'shape', ['kind', 'levels'])
      if (!Array.isArray(s.levels) || s.levels.length === 0 || s.levels.length > MAX_STEPS) throw invalidSpec('shape.levels', `expected 1 to ${MAX_STEPS} levels`)
      shape = { kind: 'step', levels: s.levels.map((v: unknown, i) => level(v, `levels.${i}`)) }
      break
    }
    case 'spike': {
      const s = object(value, 'shape', ['kind', 'base', 'peak', 'atMs', 'forMs'])
      const atMs = number(s.atMs, 'shape.atMs', 0, durationMs - 1)
      shape = { kind: 'spike', base: level(s.base, 'base'), peak: level(s.peak, 'peak'), atMs, forMs: number(s.forMs, 'shape.forMs', 1, durationMs - atMs) }
      break
    }
  }
  if (peakLevel(shape) <= 0) throw invalidSpec('shape', 'the level is zero throughout: nothing would be sent')
  return shape
}

function bodyOf(value: unknown): BurstBody {
  const b = object(value, 'body', ['eventsPerRequest', 'eventBytes', 'format'])
  const body: BurstBody = {
    eventsPerRequest: number(b.eventsPerRequest, 'body.eventsPerRequest', 1, MAX_EVENTS_PER_REQUEST, true),
    eventBytes: number(b.eventBytes, 'body.eventBytes', 32, MAX_EVENT_BYTES, true),
    format: oneOf(b.format, 'body.format', BODY_FORMATS),
  }
  if (body.eventsPerRequest * body.eventBytes > MAX_NORMAL_BODY_BYTES) throw invalidSpec('body', `a normal body may be at most ${MAX_NORMAL_BODY_BYTES} bytes`)
  return body
}

function badOf(value: unknown): Partial<Record<BadKind, number>> {
  const b = object(value, 'bad', BAD_KINDS)
  const bad: Partial<Record<BadKind, number>> = {}
  let sum = 0
  for (const kind of BAD_KINDS) {
    if (b[kind] === undefined) continue
    sum += bad[kind] = number(b[kind], `bad.${kind}`, 0, 1)
  }
  if (sum > 1 + 1e-9) throw invalidSpec('bad', `shares add up to ${sum}; at most 1`)
  return bad
}

/** Any live knob, checked exactly as PATCH /api/config checks it. */
const knobsOf = (value: unknown): BurstKnobs => specCheck(() => checkKnobPatch(value, 'knobs.'))

/** Checks an untrusted spec against the schema and the caps; throws 400 `invalid_spec` naming the field. */
export function parseSpec(value: unknown, caps: BurstCaps): BurstSpec {
  const s = object(value, '', ['model', 'shape', 'durationMs', 'body', 'bad', 'dripMs', 'ack', 'knobs'])
  const model = oneOf(s.model, 'model', BURST_MODELS)
  const durationMs = number(s.durationMs, 'durationMs', MIN_DURATION_MS, caps.maxDurationMs, true)
  const closed = model === 'closed'
  return {
    model,
    shape: shapeOf(s.shape, durationMs, closed ? caps.maxConnections : caps.maxRate, closed),
    durationMs,
    body: bodyOf(s.body),
    ...(s.bad !== undefined ? { bad: badOf(s.bad) } : {}),
    ...(s.dripMs !== undefined ? { dripMs: number(s.dripMs, 'dripMs', 10, MAX_DRIP_MS, true) } : {}),
    ...(s.ack !== undefined ? { ack: oneOf(s.ack, 'ack', ['queued', 'commit'] as const) } : {}),
    ...(s.knobs !== undefined ? { knobs: knobsOf(s.knobs) } : {}),
  }
}
