import { execFileSync } from 'node:child_process'
import { defineConfig, devices } from '@playwright/test'
import { chromiumLaunch, VIEWPORT } from './e2e/support/browser.ts'

/**
 * The Playwright suite drives the real server (embedded PostgreSQL in .sluice-e2e) and the
 * built dashboard it serves. The config is evaluated again in every worker: the port is
 * picked once, in the runner, and handed down through the environment.
 */
function freePort(): number {
  const script = "const s=require('net').createServer();s.listen(0,'127.0.0.1',()=>{process.stdout.write(String(s.address().port));s.close()})"
  return Number(execFileSync(process.execPath, ['-e', script], { encoding: 'utf8' }))
}
process.env.SLUICE_E2E_PORT ??= String(freePort())
const port = Number(process.env.SLUICE_E2E_PORT)
const baseURL = `http://127.0.0.1:${port}`

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  // One server, shared state (one burst at a time, live knobs): specs run one after another.
  workers: 1,
  fullyParallel: false,
  forbidOnly: !!process.env.CI,
  retries: 0,
  // Two shared cores, a database and a load generator: generous, but every wait has one.
  timeout: 120_000,
  expect: { timeout: 20_000 },
  reporter: [['list']],
  outputDir: 'test-results/e2e',
  use: {
    baseURL,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
    acceptDownloads: true,
  },
  projects: [{ name: 'chromium', use: { ...devices['Desktop Chrome'], viewport: VIEWPORT, launchOptions: chromiumLaunch } }],
  webServer: {
    // The build users run (npm test builds it first), on a fresh database each run: run
    // history and queued events from an earlier run would change what specs see.
    command: 'rm -rf .sluice-e2e && node dist/server/main.js',
    url: `${baseURL}/readyz`,
    timeout: 180_000,
    reuseExistingServer: false,
    stdout: 'ignore',
    stderr: 'pipe',
    env: { HOST: '127.0.0.1', PORT: String(port), SLUICE_DATA_DIR: '.sluice-e2e', SLUICE_LOG: 'silent' },
    gracefulShutdown: { signal: 'SIGTERM', timeout: 20_000 },
  },
})
