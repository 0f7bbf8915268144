/**
 * The check of PATCH /api/bursts/:id, shared by the server that applies it and the
 * dashboard's live burst card, so both accept the same values within the same caps.
 */
import type { BurstCaps } from './api.ts'
import { loadField, type BurstModel } from './bursts.ts'
import { integerIn, InvalidValue, numberIn } from './knobs.ts'

/** The new level a patch asks for; throws InvalidValue naming the field. */
export function checkLoadPatch(input: unknown, model: BurstModel, caps: BurstCaps): number {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) throw new InvalidValue(null, `expected {"${loadField(model)}": n}`)
  const field = loadField(model)
  for (const key of Object.keys(input)) {
    if (key === field) continue
    const other = key === 'rate' || key === 'connections'
    throw new InvalidValue(key, other ? `a${model === 'open' ? 'n open' : ' closed'} burst's level is its ${field}` : `unknown field; expected "${field}"`)
  }
  const value = (input as Record<string, unknown>)[field]
  if (value === undefined) throw new InvalidValue(field, `expected {"${field}": n}`)
  // Connections are whole; a rate may be fractional, as in a spec's shape.
  return model === 'open' ? numberIn(field, value, 0, caps.maxRate) : integerIn(field, value, 0, caps.maxConnections)
}
