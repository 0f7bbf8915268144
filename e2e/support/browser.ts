import { existsSync } from 'node:fs'
import type { LaunchOptions } from '@playwright/test'

// Debian's Chromium when installed (no browser downloads on these machines), else Playwright's own.
const DEBIAN_CHROMIUM = '/usr/bin/chromium'

/**
 * How the Playwright suite and the dashboard bench launch Chromium. No sandbox (the
 * machines run as root), no GPU, and none of the background traffic a fresh profile
 * starts: the only network a run makes is to the server under test.
 */
export const chromiumLaunch: LaunchOptions = existsSync(DEBIAN_CHROMIUM)
  ? {
      executablePath: DEBIAN_CHROMIUM,
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
    }
  : {}

/** The window the dashboard is drawn in, by tests and bench alike. */
export const VIEWPORT = { width: 1280, height: 800 } as const
