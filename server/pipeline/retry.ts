const PERMANENT_CLASSES = ['22', '23'] // data exception, integrity constraint violation

/**
 * Whether a write error is worth retrying: lost connections, a database starting or
 * shutting down, resource exhaustion. A batch the database refuses as data (classes 22
 * and 23) will fail the same way every time.
 */
export function isTransient(error: unknown): boolean {
  const code = (error as { code?: unknown } | undefined)?.code
  if (typeof code !== 'string' || !/^[0-9A-Z]{5}$/.test(code)) return true
  return !PERMANENT_CLASSES.includes(code.slice(0, 2))
}

export interface Backoff {
  readonly baseMs: number
  readonly capMs: number
}

/** Capped exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"). */
export function backoffDelay(attempt: number, { baseMs, capMs }: Backoff, random = Math.random): number {
  return Math.round(random() * Math.min(capMs, baseMs * 2 ** Math.min(attempt, 30)))
}
