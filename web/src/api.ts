/** The dashboard's only door to the control API: JSON in, JSON out, errors with a code. */
import type { ErrorBody } from '../../shared/errors.ts'

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    readonly detail: string,
  ) {
    super(detail ? `${code}: ${detail}` : code)
    this.name = 'ApiError'
  }
}

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
    const detail = [error.field, error.detail].filter(Boolean).join(': ')
    throw new ApiError(response.status, error.error ?? `http_${response.status}`, detail || text.slice(0, 200))
  }
  return body as T
}

export async function getJson<T>(path: string, signal?: AbortSignal): Promise<T> {
  return parse<T>(await fetch(path, { headers: { accept: 'application/json' }, signal }))
}

export async function sendJson<T>(method: 'POST' | 'PATCH' | 'DELETE', path: string, body?: unknown): Promise<T> {
  const init: RequestInit = { method, headers: { accept: 'application/json' } }
  if (body !== undefined) {
    init.body = JSON.stringify(body)
    init.headers = { ...init.headers, 'content-type': 'application/json' }
  }
  return parse<T>(await fetch(path, init))
}

export function errorText(error: unknown): string {
  return error instanceof Error ? error.message : String(error)
}
