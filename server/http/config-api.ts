import type { HttpBindings } from '@hono/node-server'
import type { Context } from 'hono'
import { ACK_MODES, LIVE_KNOB_LIMITS, type EffectiveConfig, type LiveConfig, type NumericKnob } from '../../shared/config.ts'
import { WRITER_STRATEGIES } from '../../shared/ingest.ts'
import type { Config } from '../config.ts'
import type { Pipeline } from '../pipeline/pipeline.ts'
import type { SseHub } from './sse-hub.ts'

/** A PATCH /api/config that is refused whole: 400 with the field and why. */
export class InvalidKnobError extends Error {
  readonly code = 'invalid_config'
  readonly status = 400
  constructor(readonly field: string | null, readonly detail: string) {
    super(`${field ?? 'body'}: ${detail}`)
    this.name = 'InvalidKnobError'
  }
}

export function effectiveConfig(config: Config, knobs: Readonly<LiveConfig>): EffectiveConfig {
  return {
    live: { ...knobs },
    fixed: {
      database: config.databaseUrl ? 'external' : 'embedded',
      tokenRequired: config.token !== undefined,
      maxEventBytes: config.maxEventBytes,
      maxEventDepth: config.maxEventDepth,
      queueHighWatermark: config.queueHighWatermark,
      tickMs: config.tickMs,
      historySeconds: config.historySeconds,
      sseMaxClients: config.sseMaxClients,
      drainTimeoutMs: config.drainTimeoutMs,
      dbPoolSize: config.dbPoolSize,
    },
  }
}

const isNumericKnob = (field: string): field is NumericKnob => Object.hasOwn(LIVE_KNOB_LIMITS, field)

function oneOf<T extends string>(field: string, value: unknown, allowed: readonly T[]): T {
  if (!(allowed as readonly unknown[]).includes(value)) throw new InvalidKnobError(field, `expected one of ${allowed.join(', ')}`)
  return value as T
}

/** Checks every field of a PATCH body; throws on the first bad one, so nothing is half-applied. */
export function parseKnobPatch(body: unknown, fixedFields: readonly string[]): Partial<LiveConfig> {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new InvalidKnobError(null, 'expected a JSON object of knobs')
  const patch: Partial<LiveConfig> = {}
  for (const [field, value] of Object.entries(body)) {
    if (isNumericKnob(field)) {
      const { min, max } = LIVE_KNOB_LIMITS[field]
      if (typeof value !== 'number' || !Number.isInteger(value) || value < min || value > max) {
        throw new InvalidKnobError(field, `expected an integer from ${min} to ${max}`)
      }
      patch[field] = value
    } else if (field === 'writer') {
      patch.writer = oneOf(field, value, WRITER_STRATEGIES)
    } else if (field === 'ack') {
      patch.ack = oneOf(field, value, ACK_MODES)
    } else {
      throw new InvalidKnobError(field, fixedFields.includes(field) ? 'set at start only' : 'not a setting')
    }
  }
  return patch
}

export interface ConfigApiOptions {
  readonly config: Config
  readonly pipeline: Pipeline
  readonly hub: SseHub
  readonly log: (line: string) => void
}

/** GET and PATCH /api/config: the effective configuration, and the live knobs turned without a restart. */
export function configApi({ config, pipeline, hub, log }: ConfigApiOptions) {
  const fixedFields = Object.keys(effectiveConfig(config, pipeline.knobs).fixed)
  return {
    get: function getConfig(c: Context<{ Bindings: HttpBindings }>): Response {
      return c.json(effectiveConfig(config, pipeline.knobs))
    },

    patch: async function patchConfig(c: Context<{ Bindings: HttpBindings }>): Promise<Response> {
      let body: unknown
      try {
        body = await c.req.json()
      } catch {
        throw new InvalidKnobError(null, 'the body is not valid JSON')
      }
      const patch = parseKnobPatch(body, fixedFields)
      const knobs = pipeline.knobs
      const changed = (Object.keys(patch) as Array<keyof LiveConfig>).filter((key) => patch[key] !== knobs[key])
      if (changed.length > 0) {
        log(`config: ${changed.map((key) => `${key} ${knobs[key]} -> ${patch[key]}`).join(', ')}`)
        // The pipeline reads its knobs on every use: mutating them is applying them.
        Object.assign(knobs, patch)
        pipeline.batcher.nudge()
        hub.publish('config', { config: effectiveConfig(config, knobs), changed })
      }
      return c.json(effectiveConfig(config, knobs))
    },
  }
}
