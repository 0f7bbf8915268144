/**
 * An error a control route answers on purpose: a stable `code` (the JSON `error`), an
 * HTTP status and whatever else the body carries. app.ts maps it to a response; it is
 * not counted in the ingest figures.
 */
export class ApiError extends Error {
  constructor(
    readonly code: string,
    readonly status: 400 | 401 | 404 | 409 | 503,
    readonly body: Record<string, unknown> = {},
    options?: ErrorOptions,
  ) {
    super(code, options)
    this.name = 'ApiError'
  }
}
