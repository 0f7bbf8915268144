import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import { createInterface } from 'node:readline'
import { expect, test } from '@playwright/test'
import { connection } from './support/dashboard.ts'

const TOKEN = 'e2e-s3cret'

/**
 * A second server of its own with SLUICE_TOKEN set (the shared one runs without): the built
 * server on a free port with a fresh data folder; its URL is read from its log line.
 */
async function startTokenServer(dataDir: string): Promise<{ child: ChildProcess; url: string }> {
  const child = spawn(process.execPath, ['dist/server/main.js'], {
    env: { ...process.env, HOST: '127.0.0.1', PORT: '0', SLUICE_TOKEN: TOKEN, SLUICE_DATA_DIR: dataDir, SLUICE_LOG: 'info' },
    stdio: ['ignore', 'pipe', 'inherit'],
  })
  const lines = createInterface({ input: child.stdout! })
  const url = await new Promise<string>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error('the token server did not say it was listening within 90 s')), 90_000)
    lines.on('line', (line) => {
      const found = /sluice listening on (http:\/\/\S+)/.exec(line)?.[1]
      if (found) {
        clearTimeout(timer)
        resolve(found)
      }
    })
    child.once('exit', (code) => {
      clearTimeout(timer)
      reject(new Error(`the token server exited with ${code} before listening`))
    })
  })
  return { child, url }
}

async function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = once(child, 'exit')
  child.kill('SIGTERM')
  const timer = setTimeout(() => child.kill('SIGKILL'), 20_000)
  await exited
  clearTimeout(timer)
}

test.describe('a server with a token', () => {
  let server: { child: ChildProcess; url: string } | undefined
  let dataDir = ''

  test.beforeAll(async () => {
    test.setTimeout(120_000)
    dataDir = mkdtempSync(path.join(tmpdir(), 'sluice-token-e2e-'))
    server = await startTokenServer(dataDir)
  })

  test.afterAll(async () => {
    if (server) await stop(server.child)
    rmSync(dataDir, { recursive: true, force: true })
  })

  test('asks for the token once, then the dashboard streams on its session cookie', async ({ page, context }) => {
    await page.goto(server!.url)
    const form = page.getByRole('form', { name: 'Sign in' })
    await expect(form).toBeVisible()
    // The dashboard itself is not there until the token is given.
    await expect(connection(page)).toHaveCount(0)

    await form.getByLabel('Token').fill('not-the-token')
    await form.getByRole('button', { name: 'Open the dashboard' }).click()
    await expect(form.getByRole('alert')).toHaveText('That is not the token.')

    await form.getByLabel('Token').fill(TOKEN)
    await form.getByRole('button', { name: 'Open the dashboard' }).click()
    // The stream (an EventSource, which cannot send a bearer token) is live on the cookie alone.
    await expect(connection(page)).toHaveAttribute('data-status', 'live', { timeout: 30_000 })
    const [cookie] = await context.cookies(server!.url)
    expect(cookie).toMatchObject({ name: 'sluice_session', httpOnly: true, sameSite: 'Strict', path: '/' })

    // Once: a reload keeps the session, no form.
    await page.reload()
    await expect(connection(page)).toHaveAttribute('data-status', 'live', { timeout: 30_000 })
    await expect(page.getByRole('form', { name: 'Sign in' })).toHaveCount(0)
  })

  test('a page without the session gets 401 from the API and the stream', async ({ request }) => {
    expect((await request.get(`${server!.url}/api/config`)).status()).toBe(401)
    expect((await request.get(`${server!.url}/metrics`)).status()).toBe(401)
    expect((await request.get(`${server!.url}/metrics`, { headers: { authorization: `Bearer ${TOKEN}` } })).status()).toBe(200)
  })
})
