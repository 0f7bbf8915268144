import type { BurstErrorKind } from '../../shared/bursts.ts'

export interface Target {
  readonly host: string
  readonly port: number
  /** Path and query of the ingest route. */
  readonly path: string
  readonly token: string | undefined
}

/** What became of one request, whichever client sent it. */
export type Outcome =
  /** `accepted` is the server's own count from a 2xx body. */
  | { readonly status: number; readonly accepted?: number }
  | { readonly error: BurstErrorKind }
  /** We hung up mid-body on purpose. */
  | { readonly disconnected: true }
  /** Stopped from outside before an answer came. */
  | { readonly cancelled: true }

export function classify(error: NodeJS.ErrnoException): BurstErrorKind {
  switch (error.code) {
    case 'ECONNREFUSED':
    case 'EADDRNOTAVAIL':
    case 'EADDRINUSE':
      return 'connect'
    case 'ECONNRESET':
    case 'EPIPE':
      return 'reset'
    default:
      return 'other'
  }
}

/** The server's `accepted` count from a 2xx JSON body, if it gave one. */
export function acceptedIn(status: number, text: string): number | undefined {
  if (status < 200 || status >= 300) return undefined
  try {
    const accepted = (JSON.parse(text) as { accepted?: unknown }).accepted
    return typeof accepted === 'number' ? accepted : undefined
  } catch {
    return undefined
  }
}
