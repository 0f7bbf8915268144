// autocannon 9 ships no types, and @types/autocannon's listener signatures are wrong
// (docs/stack-notes.md): only what bench/load.ts uses, as the library actually behaves.
declare module 'autocannon' {
  import type { EventEmitter } from 'node:events'

  export interface Options {
    url: string
    method?: 'GET' | 'POST'
    headers?: Record<string, string>
    body?: string | Buffer
    connections?: number
    /** Seconds. */
    duration?: number
    /** Requests per second over all connections, counted per whole second per connection. */
    overallRate?: number
    ignoreCoordinatedOmission?: boolean
    /** Seconds before a request counts as timed out. */
    timeout?: number
  }

  export interface Result {
    /** Seconds from start to stop. */
    duration: number
    errors: number
    timeouts: number
    non2xx: number
    statusCodeStats: Record<string, { count: number }>
  }

  export interface Instance extends EventEmitter, PromiseLike<Result> {
    on(event: 'response', listener: (client: unknown, statusCode: number, resBytes: number, responseTimeMs: number) => void): this
    on(event: 'reqError', listener: (error: Error) => void): this
    stop(): void
  }

  function autocannon(options: Options): Instance
  export default autocannon
}
