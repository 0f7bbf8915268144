import type { MetricsSnapshot } from '../../shared/metrics.ts'
import type { Hello, SseData, SseEventName } from '../../shared/sse.ts'

export interface SseMessage {
  event: string
  id: string | undefined
  data: string
}

/**
 * A Server-Sent Events reader over fetch that keeps every event and comment it gets, for
 * assertions. Waits take a deadline; `close()` aborts the request and its socket.
 */
export class SseClient {
  readonly messages: SseMessage[] = []
  comments = 0
  ended = false
  readonly #abort: AbortController
  #waiters: Array<() => void> = []

  private constructor(abort: AbortController, body: ReadableStream<Uint8Array>) {
    this.#abort = abort
    void this.#read(body)
  }

  /** Opens the stream; throws unless the answer is a 200 event stream. */
  static async open(baseUrl: string, headers: Record<string, string> = {}): Promise<SseClient> {
    const abort = new AbortController()
    const timer = setTimeout(() => abort.abort(), 10_000)
    const response = await fetch(`${baseUrl}/api/stream`, { headers, signal: abort.signal }).finally(() => clearTimeout(timer))
    if (response.status !== 200 || !response.body) {
      abort.abort()
      throw new Error(`stream answered ${response.status}`)
    }
    return new SseClient(abort, response.body)
  }

  async #read(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder()
    let buffer = ''
    let event: SseMessage = { event: 'message', id: undefined, data: '' }
    let hasData = false
    const reader = body.getReader()
    try {
      for (let read = await reader.read(); !read.done; read = await reader.read()) {
        buffer += decoder.decode(read.value, { stream: true })
        let newline: number
        while ((newline = buffer.indexOf('\n')) !== -1) {
          const line = buffer.slice(0, newline).replace(/\r$/, '')
          buffer = buffer.slice(newline + 1)
          if (line === '') {
            if (hasData) this.messages.push(event)
            event = { event: 'message', id: undefined, data: '' }
            hasData = false
          } else if (line.startsWith(':')) {
            this.comments++
          } else {
            const colon = line.indexOf(':')
            const field = colon === -1 ? line : line.slice(0, colon)
            const value = colon === -1 ? '' : line.slice(colon + 1).replace(/^ /, '')
            if (field === 'event') event.event = value
            else if (field === 'id') event.id = value
            else if (field === 'data') {
              event.data = hasData ? `${event.data}\n${value}` : value
              hasData = true
            }
          }
        }
        this.#notify()
      }
    } catch {
      // Aborted by close(), or the server dropped us: both end the stream.
    }
    this.ended = true
    this.#notify()
  }

  #notify(): void {
    for (const waiter of this.#waiters.splice(0)) waiter()
  }

  /** Waits until `check` holds, re-checking on every chunk; fails after `timeoutMs`. */
  async until(check: () => boolean, timeoutMs = 10_000, what = 'a stream condition'): Promise<void> {
    const deadline = performance.now() + timeoutMs
    while (!check()) {
      const left = deadline - performance.now()
      if (left <= 0) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`)
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left)
        this.#waiters.push(() => {
          clearTimeout(timer)
          resolve()
        })
      })
    }
  }

  /** The parsed data of every event named `name`, in order. */
  all<E extends SseEventName>(name: E): Array<SseData<E>> {
    return this.messages.filter((m) => m.event === name).map((m) => JSON.parse(m.data) as SseData<E>)
  }

  metrics(): MetricsSnapshot[] {
    return this.all('metrics')
  }

  async hello(timeoutMs = 10_000): Promise<Hello> {
    await this.until(() => this.messages.some((m) => m.event === 'hello'), timeoutMs, 'hello')
    return this.all('hello')[0]!
  }

  /** Waits for `count` more metrics events than there are now, and returns those. */
  async nextMetrics(count = 1, timeoutMs = 10_000): Promise<MetricsSnapshot[]> {
    const from = this.metrics().length
    await this.until(() => this.metrics().length >= from + count, timeoutMs, `${count} metrics events`)
    return this.metrics().slice(from, from + count)
  }

  /** Waits for a metrics snapshot that satisfies `check` and returns it. */
  async snapshotWhere(check: (snapshot: MetricsSnapshot) => boolean, timeoutMs = 10_000, what = 'a matching snapshot'): Promise<MetricsSnapshot> {
    let found: MetricsSnapshot | undefined
    await this.until(() => (found = this.metrics().find(check)) !== undefined, timeoutMs, what)
    return found!
  }

  close(): void {
    this.#abort.abort()
  }
}
