/**
 * One validation kit for the live knobs, used wherever a knob is set: PATCH /api/config,
 * a burst's `knobs`, the environment at start, the dashboard's inputs. Ranges and enums
 * come from shared/config.ts, so every door accepts the same values.
 */
import { LIVE_KNOB_ENUMS, LIVE_KNOB_LIMITS, type EnumKnob, type LiveConfig, type NumericKnob } from './config.ts'

/** A value that is not allowed: `field` names it (null when the whole input is wrong). */
export class InvalidValue extends Error {
  constructor(readonly field: string | null, readonly detail: string) {
    super(`${field ?? 'body'}: ${detail}`)
    this.name = 'InvalidValue'
  }
}

export const isNumericKnob = (field: string): field is NumericKnob => Object.hasOwn(LIVE_KNOB_LIMITS, field)
export const isEnumKnob = (field: string): field is EnumKnob => Object.hasOwn(LIVE_KNOB_ENUMS, field)
export const isKnob = (field: string): field is keyof LiveConfig => isNumericKnob(field) || isEnumKnob(field)

/** An integer within `min`..`max`, inclusive. */
export function integerIn(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
    throw new InvalidValue(field, `expected an integer from ${min} to ${max}`)
  }
  return value
}

/** A finite number within `min`..`max`, inclusive. */
export function numberIn(field: string, value: unknown, min: number, max: number): number {
  if (typeof value !== 'number' || !Number.isFinite(value) || value < min || value > max) {
    throw new InvalidValue(field, `expected a number from ${min} to ${max}`)
  }
  return value
}

export function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (!(allowed as readonly unknown[]).includes(value)) {
    throw new InvalidValue(field, `expected one of ${allowed.join(', ')}`)
  }
  return value as T
}

/** Checks one knob's value; `label` is how the field is named in the error (e.g. `knobs.writer`). */
export function checkKnob<K extends keyof LiveConfig>(key: K, value: unknown, label: string = key): LiveConfig[K] {
  if (isNumericKnob(key)) {
    const { min, max } = LIVE_KNOB_LIMITS[key]
    return integerIn(label, value, min, max) as LiveConfig[K]
  }
  return oneOf(label, value, LIVE_KNOB_ENUMS[key as EnumKnob]) as LiveConfig[K]
}

/**
 * Checks every field of a patch; throws on the first bad one, so nothing is half-applied.
 * `prefix` names where the patch sits (`knobs.` inside a burst spec); `fixed` lists
 * settings that exist but are set at start only, for a clearer refusal.
 */
export function checkKnobPatch(input: unknown, prefix = '', fixed: readonly string[] = []): Partial<LiveConfig> {
  if (typeof input !== 'object' || input === null || Array.isArray(input)) {
    throw new InvalidValue(prefix ? prefix.slice(0, -1) : null, 'expected a JSON object of knobs')
  }
  const patch: Record<string, unknown> = {}
  for (const [field, value] of Object.entries(input)) {
    if (!isKnob(field)) throw new InvalidValue(prefix + field, fixed.includes(field) ? 'set at start only' : 'not a setting')
    patch[field] = checkKnob(field, value, prefix + field)
  }
  return patch as Partial<LiveConfig>
}
