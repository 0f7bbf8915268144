/** The dashboard's only door to the control API: JSON in, JSON out, errors with a code. */
import type { ErrorBody } from '../../shared/errors.ts'

export class ApiError extends Error {
  constructor(
    /** 0 when no HTTP answer came at all. */
    readonly status: number,
    readonly code: string,
    readonly detail: string,
    /** The request field the server named, when it named one. */
    readonly field: string | null = null,
  ) {
    super(detail ? `${code}: ${detail}` : code)
    this.name = 'ApiError'
  }
}

/** The error when the server does not answer at all: fetch only says "Failed to fetch". */
export const UNREACHABLE = 'unreachable'

async function parse<T>(response: Response): Promise<T> {
  const text = await response.text()
  let body: unknown = undefined
  try {
    body = text ? JSON.parse(text) : undefined
  } catch {
    // Not JSON (a proxy's error page, say): the status says enough.
  }
  if (!response.ok) {
    const error = (body ?? {}) as Partial<ErrorBody>
    const detail = error.detail ?? (typeof error.preset === 'string' ? error.preset : undefined) ?? (body === undefined ? text.slice(0, 200) : '')
    throw new ApiError(response.status, error.error ?? `http_${response.status}`, detail, error.field ?? null)
  }
  return body as T
}

async function request(path: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(path, init)
  } catch (error) {
    if (init.signal?.aborted) throw error
    throw new ApiError(0, UNREACHABLE, `no answer from ${location.host}`)
  }
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return parse<T>(await request(path, { headers: { accept: 'application/json' }, ...(signal ? { signal } : {}) }))
}

export async function sendJson<T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, headers: { accept: 'application/json' } }
  if (body !== undefined) {
    init.body = JSON.stringify(body)
    init.headers = { ...init.headers, 'content-type': 'application/json' }
  }
  return parse<T>(await request(path, init))
}

/**
 * What went wrong, in words a person reads: `what` is what did not happen ("The burst did
 * not start"). Field-level messages of a refused spec are spec-errors.ts's job.
 */
export function errorText(error: unknown, what = 'That did not work'): string {
  if (!(error instanceof ApiError)) return `${what}: ${error instanceof Error ? error.message : String(error)}`
  switch (error.code) {
    case UNREACHABLE:
      return `${what}: the Sluice server did not answer (${error.detail}). Is it still running? The badge at the top says when it is back.`
    case 'unauthorized':
      return `${what}: this server asks for a token (SLUICE_TOKEN is set).`
    case 'burst_running':
      return `${what}: another burst is running. Stop it first, or wait for it to end.`
    case 'unknown_preset':
      return `${what}: this server does not know the preset "${error.detail}" (is it an older version?).`
    case 'unavailable':
      return `${what}: the server is not ready (${error.detail || 'unavailable'}).`
    case 'not_found':
      return `${what}: the server has no such run.`
    default:
      if (error.status >= 500) return `${what}: the server failed (${error.status}); its log says why.`
      return `${what}: ${error.detail || error.code}.`
  }
}
