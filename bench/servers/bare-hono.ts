/** Bare Hono on @hono/node-server: parse the JSON (or each NDJSON line), answer 202. */
import { serve } from '@hono/node-server'
import { Hono } from 'hono'
import { listenAddress } from './listen-address.ts'

const app = new Hono()

app.post('/v1/events', async (c) => {
  if (c.req.header('content-type')?.startsWith('application/x-ndjson')) {
    let accepted = 0
    for (const line of (await c.req.text()).split('\n')) {
      if (!line) continue
      JSON.parse(line)
      accepted++
    }
    return c.json({ accepted }, 202)
  }
  await c.req.json()
  return c.json({ accepted: 1 }, 202)
})
app.get('/readyz', (c) => c.json({ ready: true }))

const { host, port } = listenAddress()
serve({ fetch: app.fetch, port, hostname: host })
