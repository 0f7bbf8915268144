import { randomUUID } from 'node:crypto'
import { MAX_VARIANTS, MIN_VARIANTS, type BurstPreset, type BurstSpec, type BurstVariant } from '../../shared/bursts.ts'
import { invalidSpec } from '../errors.ts'
import { parseSpec, type BurstCaps } from './validate.ts'

/** One run to make: its checked spec, and where it sits in a comparison (if it does). */
export interface Arm {
  readonly spec: BurstSpec
  readonly comparison?: { readonly group: string; readonly variant: string; readonly variants: readonly string[] } | undefined
}

/**
 * The runs a preset asks for: one, or one per variant with the variant's knobs laid over
 * the preset's (and its bad-traffic mix instead of the preset's, when it has one). Every
 * arm is checked against this server's caps before the first starts, so a comparison
 * never stops halfway on a spec it could have refused up front.
 */
export function armsOf(preset: Pick<BurstPreset, 'name' | 'spec' | 'variants'>, caps: BurstCaps): Arm[] {
  const base = parseSpec(preset.spec, caps)
  const variants = preset.variants
  if (!variants) return [{ spec: base }]
  if (variants.length < MIN_VARIANTS || variants.length > MAX_VARIANTS) {
    throw invalidSpec('variants', `expected ${MIN_VARIANTS} to ${MAX_VARIANTS} variants`)
  }
  const group = `${preset.name}-${randomUUID().slice(0, 8)}`
  const labels = variants.map((variant) => variant.label)
  return variants.map((variant) => {
    const { bad, ...spec } = base
    const mix = variant.bad ?? bad
    return {
      spec: parseSpec({ ...spec, ...(mix ? { bad: mix } : {}), knobs: { ...base.knobs, ...variant.knobs } }, caps),
      comparison: { group, variant: variant.label, variants: labels },
    }
  })
}

const MAX_LABEL_CHARS = 60

/**
 * A request's `variants`, checked for shape: 2-6 objects with distinct labels. Their
 * knobs and bad mixes are checked with the spec they are laid over, in `armsOf`.
 */
export function variantsOf(value: unknown): BurstVariant[] {
  if (!Array.isArray(value)) throw invalidSpec('variants', 'expected an array')
  const labels = new Set<string>()
  return value.map((item: unknown, index) => {
    const field = `variants[${index}]`
    if (typeof item !== 'object' || item === null || Array.isArray(item)) throw invalidSpec(field, 'expected an object')
    const { label, knobs, bad, ...rest } = item as Record<string, unknown>
    const extra = Object.keys(rest)[0]
    if (extra !== undefined) throw invalidSpec(`${field}.${extra}`, 'unknown field; expected "label", "knobs", "bad"')
    if (typeof label !== 'string' || label.trim() === '' || label.length > MAX_LABEL_CHARS) throw invalidSpec(`${field}.label`, `expected a name of 1 to ${MAX_LABEL_CHARS} characters`)
    if (labels.has(label)) throw invalidSpec(`${field}.label`, 'labels must differ')
    labels.add(label)
    if (typeof knobs !== 'object' || knobs === null || Array.isArray(knobs)) throw invalidSpec(`${field}.knobs`, 'expected a JSON object of knobs')
    return { label, knobs: knobs as BurstVariant['knobs'], ...(bad !== undefined ? { bad: bad as BurstVariant['bad'] } : {}) }
  })
}
