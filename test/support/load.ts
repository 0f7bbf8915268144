import { NDJSON, ndjson, postEvents } from './post.ts'

export interface LoadTally {
  /** Events acknowledged with 2xx. */
  acknowledged: number
  statuses: Map<number, number>
  /** Requests that failed without an HTTP answer (refused connection, reset). */
  networkErrors: number
  /** The numbers (`n` in each event) of the requests acknowledged with 2xx. */
  ackedRequests: number[]
}

/**
 * Posts NDJSON requests of `eventsPerRequest` from `workers` loops until `stop()` is
 * called or `maxRequests` have been sent, tallying what the server acknowledged. Each
 * event is `{ tag, n, i }` (request n, event i), with `id` "tag-n-i" when `ids`;
 * `query` (`?wait=commit`) is added to each request's URL.
 */
export function runLoad(url: string, { workers = 4, eventsPerRequest = 10, maxRequests = 5_000, tag = 'load', ids = false, query = '' } = {}) {
  const tally: LoadTally = { acknowledged: 0, statuses: new Map(), networkErrors: 0, ackedRequests: [] }
  let stopped = false
  let sent = 0
  const worker = async () => {
    while (!stopped && sent < maxRequests) {
      const n = sent++
      try {
        const events = Array.from({ length: eventsPerRequest }, (_, i) => (ids ? { id: `${tag}-${n}-${i}`, tag, n, i } : { tag, n, i }))
        const response = await postEvents(url, ndjson(events), NDJSON, query)
        tally.statuses.set(response.status, (tally.statuses.get(response.status) ?? 0) + 1)
        if (response.status >= 200 && response.status < 300) {
          tally.acknowledged += eventsPerRequest
          tally.ackedRequests.push(n)
        }
        if (response.status === 429 || response.status === 503) await new Promise((resolve) => setTimeout(resolve, 20))
      } catch {
        tally.networkErrors++
        await new Promise((resolve) => setTimeout(resolve, 20))
      }
    }
  }
  const done = Promise.all(Array.from({ length: workers }, worker))
  return {
    tally,
    get sent() { return sent },
    async stop() {
      stopped = true
      await done
      return tally
    },
  }
}
