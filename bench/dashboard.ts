/**
 * `npm run bench:dashboard`: what drawing the dashboard costs the browser's main thread.
 * Opens it in Chromium with a full 15-minute window (synthetic history ahead of the live
 * stream of an idle Sluice) and, tick by tick, reads how long the main thread was busy
 * and which tasks ran long. Prints the figures against their target; asserts nothing.
 */
import os from 'node:os'
import { parseArgs } from 'node:util'
import { chromium, type Page } from '@playwright/test'
import { chromiumLaunch, VIEWPORT } from '../e2e/support/browser.ts'
import { LIVE_CHARTS_SELECTOR, openFullWindow } from '../e2e/support/dashboard.ts'
import { ServerProcess } from './server-process.ts'
import { openSession } from './session.ts'

// Chromium's long-task threshold: a task longer than this is one a click can wait behind.
// Work per 250 ms tick under it leaves the page responsive even if it all ran at once.
const TARGET_MS = 50
const DEFAULT_TICKS = 40
const TICK_TIMEOUT_MS = 5_000

const log = (line: string) => process.stderr.write(`${line}\n`)

const { values } = parseArgs({ options: { ticks: { type: 'string' }, help: { type: 'boolean', short: 'h', default: false } }, strict: true })
if (values.help) {
  console.log(`usage: npm run bench:dashboard -- [--ticks n]\n  --ticks  ticks of the live stream to measure (default ${DEFAULT_TICKS})`)
  process.exit(0)
}
const ticks = Number(values.ticks ?? DEFAULT_TICKS)
if (!Number.isInteger(ticks) || ticks < 4 || ticks > 2_000) {
  console.error(`--ticks: expected a whole number from 4 to 2000, got "${values.ticks}"`)
  process.exit(2)
}

/** Resolves in the page once the live charts have rendered a newer tick than now. */
function nextTick(page: Page): Promise<void> {
  return page.evaluate(
    ({ selector, timeoutMs }) =>
      new Promise<void>((resolve, reject) => {
        const section = document.querySelector(selector)
        if (!section) return reject(new Error('no live charts'))
        const seq = section.getAttribute('data-last-seq')
        const observer = new MutationObserver(() => {
          if (section.getAttribute('data-last-seq') === seq) return
          clearTimeout(timer)
          observer.disconnect()
          resolve()
        })
        const timer = setTimeout(() => {
          observer.disconnect()
          reject(new Error(`no tick within ${timeoutMs} ms`))
        }, timeoutMs)
        observer.observe(section, { attributes: true, attributeFilter: ['data-last-seq'] })
      }),
    { selector: LIVE_CHARTS_SELECTOR, timeoutMs: TICK_TIMEOUT_MS },
  )
}

const median = (sorted: readonly number[]) => sorted[Math.floor(sorted.length / 2)] ?? 0
const ms = (value: number) => `${value.toFixed(1)} ms`

const session = openSession(log)
const browser = await chromium.launch(chromiumLaunch)
try {
  const db = await session.openDatabase()
  const server = await ServerProcess.start('sluice-copy', db.url, session.scratchDir)
  const context = await browser.newContext({ baseURL: server.url, viewport: VIEWPORT })
  // Under tsx, page functions call a `__name` helper the page lacks (docs/stack-notes.md,
  // "tsx"): give the page a no-op one.
  await context.addInitScript({ content: 'globalThis.__name = (target) => target' })
  const page = await context.newPage()
  log(`filling a 15-minute window on ${server.url}`)
  await openFullWindow(page)

  await page.evaluate(() => {
    const w = window as unknown as { longTasks: number[] }
    w.longTasks = []
    new PerformanceObserver((list) => {
      for (const entry of list.getEntries()) w.longTasks.push(entry.duration)
    }).observe({ type: 'longtask' })
  })
  // TaskDuration: the renderer main thread's busy time, scripts, style, layout and paint alike.
  const cdp = await context.newCDPSession(page)
  await cdp.send('Performance.enable')
  const busy = async () => {
    const { metrics } = await cdp.send('Performance.getMetrics')
    const seconds = (name: string) => metrics.find((metric) => metric.name === name)?.value ?? 0
    return { task: seconds('TaskDuration') * 1000, script: seconds('ScriptDuration') * 1000 }
  }
  // Sampled right after each tick's render: one interval holds one tick's charts and the next render.
  log(`measuring ${ticks} ticks`)
  await nextTick(page)
  let previous = await busy()
  const task: number[] = []
  const script: number[] = []
  for (let i = 0; i < ticks; i++) {
    await nextTick(page)
    const now = await busy()
    task.push(now.task - previous.task)
    script.push(now.script - previous.script)
    previous = now
  }
  const longTasks = await page.evaluate(() => (window as unknown as { longTasks: number[] }).longTasks)
  await server.stop()

  task.sort((a, b) => a - b)
  script.sort((a, b) => a - b)
  const worstTask = task.at(-1) ?? 0
  const longest = Math.max(0, ...longTasks)
  const [load1] = os.loadavg()
  console.log(`dashboard, 15-minute window, ${ticks} ticks of the live stream (Chromium ${browser.version()}, ${VIEWPORT.width}x${VIEWPORT.height})`)
  console.log(`${median(task) < TARGET_MS ? 'ok  ' : 'MISS'} main-thread time per tick: median ${ms(median(task))}, max ${ms(worstTask)} (target < ${TARGET_MS} ms); of it script: median ${ms(median(script))}, max ${ms(script.at(-1) ?? 0)}`)
  console.log(`${longTasks.length === 0 ? 'ok  ' : 'MISS'} long tasks (over ${TARGET_MS} ms): ${longTasks.length}${longTasks.length ? `, longest ${ms(longest)}: ${longTasks.map((d) => Math.round(d)).join(', ')} ms` : ''} (target: none)`)
  console.log(`load average ${load1!.toFixed(2)} on ${os.cpus().length} cores: figures from a busy machine read high`)
} finally {
  await browser.close()
  await session.cleanup()
}
