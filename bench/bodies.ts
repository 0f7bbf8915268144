/**
 * The bench's traffic: one ~200-byte event, sent alone as `application/json` or 100 to a
 * request as NDJSON. No `id`: autocannon repeats one body, and Sluice would store a
 * repeated id once, so counting rows would no longer count requests.
 */
export const EVENT = Object.freeze({
  type: 'page_view',
  timestamp: '2025-06-01T12:00:00.000Z',
  user_id: 'u_48213',
  session_id: 's_9f2c1a7e5b3d',
  url: '/products/widget-42?ref=newsletter',
  ua: 'Mozilla/5.0 (X11; Linux x86_64)',
  props: { plan: 'pro', items: 3 },
})

export const NDJSON_EVENTS_PER_REQUEST = 100

export const SHAPES = ['single', 'ndjson'] as const
export type Shape = (typeof SHAPES)[number]

export interface Body {
  readonly contentType: string
  readonly text: string
  readonly events: number
}

/** NDJSON lines of the event; each line differs a little, as real batches do. */
export function ndjsonLines(count: number): string[] {
  return Array.from({ length: count }, (_, n) => JSON.stringify({ ...EVENT, n }))
}

export function body(shape: Shape): Body {
  if (shape === 'single') return { contentType: 'application/json', text: JSON.stringify(EVENT), events: 1 }
  return {
    contentType: 'application/x-ndjson',
    text: `${ndjsonLines(NDJSON_EVENTS_PER_REQUEST).join('\n')}\n`,
    events: NDJSON_EVENTS_PER_REQUEST,
  }
}
