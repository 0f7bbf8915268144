/**
 * The seed's Level 0: Express 5, `express.json()` buffering the whole body, and one
 * INSERT per request that the client waits for. NDJSON (which the seed never took) is
 * buffered the same way and its lines go in that same one INSERT.
 */
import express, { type Request, type Response } from 'express'
import { createSql } from '../../server/db/client.ts'
import { migrate } from '../../server/db/schema.ts'
import { listenAddress } from './listen-address.ts'

const url = process.env.DATABASE_URL
if (!url) throw new Error('DATABASE_URL: required')
// The same client settings as Sluice, so the difference measured is the design, not the socket.
const sql = createSql(url)
await migrate(sql)

function eventsOf(req: Request): unknown[] {
  if (typeof req.body === 'string') return req.body.split('\n').filter(Boolean).map((line) => JSON.parse(line) as unknown)
  return Array.isArray(req.body) ? req.body : [req.body]
}

async function ingest(req: Request, res: Response): Promise<void> {
  const events = eventsOf(req)
  await sql`
    insert into events (type, ts, payload)
    select e->>'type', (e->>'timestamp')::timestamptz, e
    from jsonb_array_elements(${JSON.stringify(events)}::text::jsonb) as e`
  res.status(202).json({ accepted: events.length })
}

const app = express()
app.post('/v1/events', express.json(), express.text({ type: 'application/x-ndjson', limit: '1mb' }), ingest)
app.get('/readyz', (_req, res) => {
  res.json({ ready: true })
})

const { host, port } = listenAddress()
app.listen(port, host)
