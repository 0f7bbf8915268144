import type { HttpBindings } from '@hono/node-server'
import { Hono } from 'hono'
import { bodyLimit } from 'hono/body-limit'
import type { BurstList, BurstLoadChanged, BurstStarted, PresetsResponse } from '../../shared/api.ts'
import { PRESETS } from '../../shared/presets.ts'
import { renderReport, reportFileName } from '../../shared/report.ts'
import { seriesCsv } from '../load/csv.ts'
import type { BurstManager } from '../load/manager.ts'
import { invalidLoad, invalidSpec, notFound } from '../errors.ts'
import { controlGuard } from './control-guard.ts'

// A spec is a few hundred bytes; anything near this is not one.
const MAX_SPEC_BYTES = 64 * 1024

// `{"rate": n}` is a few bytes.
const MAX_LOAD_PATCH_BYTES = 1024

/** Routes under /api: presets, and starting, listing, reading, re-levelling and stopping bursts. Credentials are checked before. */
export function burstsApi(manager: BurstManager) {
  const api = new Hono<{ Bindings: HttpBindings }>()

  api.get('/presets', (c) => c.json<PresetsResponse>({ presets: [...PRESETS], caps: manager.caps }))

  api.post(
    '/bursts',
    controlGuard(),
    bodyLimit({
      maxSize: MAX_SPEC_BYTES,
      onError: () => {
        throw invalidSpec(null, `the request body is over ${MAX_SPEC_BYTES} bytes`)
      },
    }),
    async (c) => {
      let request: unknown
      try {
        request = await c.req.json()
      } catch {
        throw invalidSpec(null, 'the body is not JSON')
      }
      const summary = await manager.start(request)
      c.header('Location', `/api/bursts/${summary.id}`)
      return c.json<BurstStarted, 201>({ id: summary.id, summary, ...(summary.group ? { group: summary.group } : {}) }, 201)
    },
  )

  api.get('/bursts', async (c) => c.json<BurstList>({ running: (await manager.runningId()) ?? null, bursts: await manager.list() }))

  api.get('/bursts/:id', async (c) => {
    const record = await manager.get(c.req.param('id'))
    if (!record) throw notFound()
    if (c.req.query('format') === 'csv') {
      c.header('Content-Disposition', `attachment; filename="burst-${record.id}.csv"`)
      return c.body(seriesCsv(record), 200, { 'Content-Type': 'text/csv; charset=utf-8' })
    }
    if (c.req.query('format') === 'html') {
      // The report fetches nothing: the policy says so to the browser too.
      c.header('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'; img-src data:")
      c.header('Content-Disposition', `attachment; filename="${reportFileName(record.id)}"`)
      return c.html(renderReport(record))
    }
    return c.json(record)
  })

  api.patch(
    '/bursts/:id',
    controlGuard(),
    bodyLimit({
      maxSize: MAX_LOAD_PATCH_BYTES,
      onError: () => {
        throw invalidLoad(null, `the request body is over ${MAX_LOAD_PATCH_BYTES} bytes`)
      },
    }),
    async (c) => {
      let patch: unknown
      try {
        patch = await c.req.json()
      } catch {
        throw invalidLoad(null, 'the body is not JSON')
      }
      const changed = await manager.setLevel(c.req.param('id'), patch, 'api')
      if (!changed) throw notFound()
      return c.json<BurstLoadChanged>({ id: changed.summary.id, ...changed })
    },
  )

  api.delete('/bursts/:id', controlGuard(), async (c) => {
    const summary = await manager.stop(c.req.param('id'))
    if (!summary) throw notFound()
    return c.json<BurstStarted>({ id: summary.id, summary })
  })

  return api
}
