/**
 * `npm run screenshots`: the dashboard during `queue-full-spike` and `ramp-to-collapse`,
 * light and dark, desktop (1440 × 900) and phone (390 × 844), into docs/screenshots/.
 *
 * Starts its own Sluice on a free loopback port with a fresh database (.sluice-shots),
 * drives Debian's Chromium (Playwright's own when that is absent), runs each burst once,
 * and stops the server it started. Pause holds the charts still, so the four shots of a
 * burst show the same moment.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { existsSync, mkdirSync, rmSync } from 'node:fs'
import { createServer } from 'node:net'
import { chromium, type Page } from '@playwright/test'

const OUT = 'docs/screenshots'
const DATA_DIR = '.sluice-shots'
const DEBIAN_CHROMIUM = '/usr/bin/chromium'
const READY_DEADLINE_MS = 180_000
const STOP_DEADLINE_MS = 20_000

/** The moment each burst is shot: where what it shows has happened. */
const SHOTS = [
  // The spike runs from 5 s to 9 s; by 8.5 s the queue is full and 429s are flowing.
  { preset: 'queue-full-spike', atMs: 8_500 },
  // The ramp passes the reference machine's knee (~3 000/s) around 15 s; at 30 s latency has climbed.
  { preset: 'ramp-to-collapse', atMs: 30_000 },
] as const

const VIEWS = [
  { name: 'desktop', viewport: { width: 1440, height: 900 } },
  { name: 'phone', viewport: { width: 390, height: 844 } },
] as const

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number }
      server.close(() => resolve(port))
    })
  })
}

async function until<T>(what: string, deadlineMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + deadlineMs
  for (;;) {
    const value = await probe().catch(() => undefined)
    if (value !== undefined) return value
    if (Date.now() > deadline) throw new Error(`timed out after ${deadlineMs} ms waiting for ${what}`)
    await new Promise((resolve) => setTimeout(resolve, 250))
  }
}

async function stop(server: ChildProcess): Promise<void> {
  if (server.exitCode !== null) return
  const exited = new Promise((resolve) => server.once('exit', resolve))
  server.kill('SIGTERM')
  const timer = setTimeout(() => server.kill('SIGKILL'), STOP_DEADLINE_MS)
  await exited
  clearTimeout(timer)
}

async function setTheme(page: Page, theme: 'light' | 'dark'): Promise<void> {
  if ((await page.locator('html').getAttribute('data-theme')) !== theme) await page.getByRole('button', { name: `Switch to ${theme} theme` }).click()
}

async function main(): Promise<void> {
  const port = await freePort()
  const base = `http://127.0.0.1:${port}`
  rmSync(DATA_DIR, { recursive: true, force: true })
  mkdirSync(OUT, { recursive: true })
  // The build users run (npm run screenshots builds it first), as the e2e suite does.
  const server = spawn(process.execPath, ['dist/server/main.js'], {
    stdio: ['ignore', 'ignore', 'inherit'],
    env: { ...process.env, HOST: '127.0.0.1', PORT: String(port), SLUICE_DATA_DIR: DATA_DIR, SLUICE_LOG: 'silent' },
  })
  const browser = await chromium.launch(
    existsSync(DEBIAN_CHROMIUM)
      ? { executablePath: DEBIAN_CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'] }
      : {},
  )
  try {
    await until('the server to be ready', READY_DEADLINE_MS, async () => ((await fetch(`${base}/readyz`)).ok ? true : undefined))
    // `npm run screenshots -- queue-full-spike` shoots only that one.
    const only = process.argv.slice(2)
    for (const { preset, atMs } of SHOTS.filter((shot) => only.length === 0 || only.includes(shot.preset))) {
      const page = await browser.newPage({ viewport: VIEWS[0].viewport })
      await page.goto(base)
      await page.locator('[role="status"][aria-label="Connection"][data-status="live"]').waitFor()
      const started = await fetch(`${base}/api/bursts`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ preset }) })
      if (started.status !== 201) throw new Error(`${preset} did not start: ${started.status} ${await started.text()}`)
      // Timed on the server's clock (same machine): the page may be a few seconds behind on a busy one.
      const { summary } = (await started.json()) as { summary: { startedAt: number } }
      await new Promise((resolve) => setTimeout(resolve, Math.max(0, summary.startedAt + atMs - Date.now())))
      await page.getByRole('button', { name: '❚❚ Pause' }).click()
      for (const view of VIEWS) {
        await page.setViewportSize(view.viewport)
        for (const theme of ['light', 'dark'] as const) {
          await setTheme(page, theme)
          // Two frames: the resize and the theme reach every chart (they redraw one per frame).
          await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))))
          await page.waitForFunction(() => [...document.querySelectorAll('figure[data-chart]')].every((f) => f.querySelector('svg.recharts-surface')))
          const file = `${OUT}/${preset}-${view.name}-${theme}.png`
          await page.screenshot({ path: file })
          console.log(`wrote ${file}`)
        }
      }
      await page.close()
      const id = ((await (await fetch(`${base}/api/bursts`)).json()) as { running: string | null }).running
      if (id) await until(`${preset} to end`, 120_000, async () => (((await (await fetch(`${base}/api/bursts`)).json()) as { running: string | null }).running === null ? true : undefined))
    }
  } finally {
    await browser.close()
    await stop(server)
    rmSync(DATA_DIR, { recursive: true, force: true })
  }
}

await main()
