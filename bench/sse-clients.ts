/** Stream clients held open on a server under test: the cost of dashboards watching it. */
import { get, type ClientRequest } from 'node:http'

export interface SseClients {
  /** Closes every stream; returns how many `metrics` events they received in all. */
  close(): number
}

/** Opens `count` GET /api/stream clients that read everything, as an EventSource does. */
export async function openSseClients(baseUrl: string, count: number): Promise<SseClients> {
  let metrics = 0
  const requests: ClientRequest[] = []
  await Promise.all(
    Array.from({ length: count }, () =>
      new Promise<void>((resolve, reject) => {
        const request = get(`${baseUrl}/api/stream`, { headers: { accept: 'text/event-stream' } }, (response) => {
          if (response.statusCode !== 200) return reject(new Error(`stream answered ${response.statusCode}`))
          response.setEncoding('utf8')
          response.on('data', (chunk: string) => {
            for (let at = chunk.indexOf('event: metrics'); at !== -1; at = chunk.indexOf('event: metrics', at + 1)) metrics++
          })
          response.on('error', () => {})
          resolve()
        })
        request.on('error', reject)
        requests.push(request)
      }),
    ),
  )
  return {
    close() {
      for (const request of requests) request.destroy()
      return metrics
    },
  }
}
