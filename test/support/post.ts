export interface Posted {
  status: number
  headers: Headers
  body: Record<string, unknown>
}

/** POST /v1/events with fetch; the JSON body is parsed when there is one. */
export async function postEvents(baseUrl: string, body: string | Uint8Array, headers: Record<string, string> = { 'content-type': 'application/json' }, query = ''): Promise<Posted> {
  const response = await fetch(`${baseUrl}/v1/events${query}`, { method: 'POST', headers, body, signal: AbortSignal.timeout(15_000) })
  const text = await response.text()
  return { status: response.status, headers: response.headers, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} }
}

export const ndjson = (events: unknown[]) => `${events.map((event) => JSON.stringify(event)).join('\n')}\n`
export const NDJSON = { 'content-type': 'application/x-ndjson' }
