import type { HttpBindings } from '@hono/node-server'
import type { Context } from 'hono'
import { ANNOTATION_MAX_CHARS } from '../../shared/sse.ts'
import { SluiceError } from '../errors.ts'
import type { Telemetry } from '../metrics/telemetry.ts'

/** POST /api/annotations `{"text"}`: a note on every client's timeline, kept in the hello history. */
export function annotationHandler(telemetry: Telemetry) {
  return async function annotate(c: Context<{ Bindings: HttpBindings }>): Promise<Response> {
    const body: unknown = await c.req.json().catch(() => undefined)
    const text = (body as { text?: unknown } | undefined)?.text
    if (typeof text !== 'string' || text.trim() === '' || text.length > ANNOTATION_MAX_CHARS) {
      throw new SluiceError('invalid_annotation', { detail: `expected {"text": "..."} with 1 to ${ANNOTATION_MAX_CHARS} characters` })
    }
    const annotation = telemetry.annotations.add(text, telemetry.sampler.latest?.seq ?? 0)
    telemetry.hub.publish('annotation', annotation)
    return c.json(annotation, 201)
  }
}
