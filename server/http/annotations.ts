import type { HttpBindings } from '@hono/node-server'
import type { Context } from 'hono'
import { ANNOTATION_MAX_CHARS, type Annotation } from '../../shared/sse.ts'
import { SluiceError, unavailable } from '../errors.ts'
import type { Telemetry } from '../metrics/telemetry.ts'

/**
 * POST /api/annotations `{"text"}`: a note on every client's timeline, kept in the hello
 * history. With `keep` (the fleet's) it goes to every instance and needs the database.
 */
export function annotationHandler(telemetry: Telemetry, keep?: (text: string) => Promise<Annotation>) {
  return async function annotate(c: Context<{ Bindings: HttpBindings }>): Promise<Response> {
    const body: unknown = await c.req.json().catch(() => undefined)
    const text = (body as { text?: unknown } | undefined)?.text
    if (typeof text !== 'string' || text.trim() === '' || text.length > ANNOTATION_MAX_CHARS) {
      throw new SluiceError('invalid_annotation', { detail: `expected {"text": "..."} with 1 to ${ANNOTATION_MAX_CHARS} characters` })
    }
    if (keep) {
      try {
        return c.json(await keep(text), 201)
      } catch (error) {
        throw unavailable(`the note could not be kept: ${(error as Error).message}`)
      }
    }
    const annotation = telemetry.annotations.add(text, telemetry.sampler.latest?.seq ?? 0)
    telemetry.hub.publish('annotation', annotation)
    return c.json(annotation, 201)
  }
}
