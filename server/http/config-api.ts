import type { HttpBindings } from '@hono/node-server'
import type { Context } from 'hono'
import type { EffectiveConfig, LiveConfig } from '../../shared/config.ts'
import { isKnob } from '../../shared/knobs.ts'
import type { Config } from '../config.ts'
import { invalidConfig } from '../errors.ts'
import type { Pipeline } from '../pipeline/pipeline.ts'

export function effectiveConfig(config: Config, knobs: Readonly<LiveConfig>): EffectiveConfig {
  return {
    live: { ...knobs },
    fixed: {
      // A worker's DATABASE_URL may be the embedded database its primary started.
      database: config.databaseUrl && config.primaryDatabasePid === undefined ? 'external' : 'embedded',
      tokenRequired: config.token !== undefined,
      maxEventBytes: config.maxEventBytes,
      maxEventDepth: config.maxEventDepth,
      queueHighWatermark: config.queueHighWatermark,
      tickMs: config.tickMs,
      historySeconds: config.historySeconds,
      sseMaxClients: config.sseMaxClients,
      drainTimeoutMs: config.drainTimeoutMs,
      dbPoolSize: config.dbPoolSize,
      durability: config.durability,
      pid: process.pid,
    },
  }
}

export interface ConfigApiOptions {
  readonly config: Config
  readonly pipeline: Pipeline
}

/** GET and PATCH /api/config: the effective configuration, and the live knobs turned without a restart. */
export function configApi({ config, pipeline }: ConfigApiOptions) {
  const fixedFields = new Set(Object.keys(effectiveConfig(config, pipeline.knobs).fixed))
  return {
    get: function getConfig(c: Context<{ Bindings: HttpBindings }>): Response {
      return c.json(effectiveConfig(config, pipeline.knobs))
    },

    patch: async function patchConfig(c: Context<{ Bindings: HttpBindings }>): Promise<Response> {
      let body: unknown
      try {
        body = await c.req.json()
      } catch {
        throw invalidConfig(null, 'the body is not valid JSON')
      }
      // A setting fixed at start gets a clearer refusal than "not a setting".
      const fixed = typeof body === 'object' && body !== null ? Object.keys(body).find((key) => fixedFields.has(key) && !isKnob(key)) : undefined
      if (fixed) throw invalidConfig(fixed, 'set at start only')
      pipeline.setKnobs(body, 'api')
      return c.json(effectiveConfig(config, pipeline.knobs))
    },
  }
}
