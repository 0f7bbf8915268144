import type { HttpBindings } from '@hono/node-server'
import { Hono } from 'hono'
import type { BurstManager } from '../load/manager.ts'
import { writeNotebook } from '../lessons/notebook.ts'

/** Routes under /api/lessons: the Level 2 notebook, written from the recorded runs. */
export function lessonsApi(manager: BurstManager) {
  const api = new Hono<{ Bindings: HttpBindings }>()
  api.get('/notebook', async (c) => {
    const markdown = writeNotebook(await manager.list())
    if (c.req.query('download') !== undefined) c.header('Content-Disposition', 'attachment; filename="sluice-notebook.md"')
    return c.body(markdown, 200, { 'Content-Type': 'text/markdown; charset=utf-8' })
  })
  return api
}
