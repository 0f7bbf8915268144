import { spawn } from 'node:child_process'
import { writeFile, mkdtemp, rm } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { judge, parseThreshold } from '../server/load/fail-on.ts'
import type { BurstSummary } from '../shared/bursts.ts'
import { SMALL_BODY } from './support/bursts.ts'
import { startTestSluice, type TestSluice } from './support/sluice.ts'

let sluice: TestSluice
let dir: string
beforeAll(async () => {
  sluice = await startTestSluice()
  dir = await mkdtemp(join(tmpdir(), 'sluice-cli-'))
})
afterAll(async () => {
  await sluice?.stop()
  if (dir) await rm(dir, { recursive: true, force: true })
})

/** Runs `npm run burst` as CI would; resolves with its exit code and output, or fails after the deadline. */
function cli(args: string[], timeoutMs = 20_000): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/load/cli.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'] })
    let out = ''
    child.stdout.on('data', (chunk: Buffer) => (out += chunk))
    child.stderr.on('data', (chunk: Buffer) => (out += chunk))
    const timer = setTimeout(() => {
      child.kill('SIGKILL')
      reject(new Error(`burst CLI still running after ${timeoutMs} ms:\n${out}`))
    }, timeoutMs)
    child.on('close', (code) => {
      clearTimeout(timer)
      resolve({ code, out })
    })
  })
}

describe('npm run burst', () => {
  it('runs a spec headless, prints a line per second and the summary, and exits by its --fail-on thresholds', async () => {
    const spec = join(dir, 'spec.json')
    await writeFile(spec, JSON.stringify({ model: 'open', shape: { kind: 'steady', level: 40 }, durationMs: 1_500, body: SMALL_BODY }))
    const passing = await cli(['--spec', spec, '--url', sluice.url, '--fail-on', 'errors>0,5xx>0'])
    expect(passing.out).toMatch(/^\s+1\.\ds\s+target\s+40\/s/m)
    expect(passing.out).toMatch(/finished: custom \(open/)
    expect(passing.out).toMatch(/statuses\s+202: 60/)
    expect(passing.out).toMatch(/pass\s+errors>0 \(actual 0\)/)
    expect(passing.code).toBe(0)

    // Any answer takes at least a microsecond: this threshold always holds.
    const failing = await cli(['--spec', spec, '--url', sluice.url, '--fail-on', 'max>=0.001ms', '--json'])
    expect(failing.code).toBe(1)
    const report = JSON.parse(failing.out.slice(failing.out.indexOf('{'))) as { summary: BurstSummary; thresholds: Array<{ failed: boolean }> }
    expect(report.summary.requests.sent).toBe(60)
    expect(report.thresholds).toEqual([{ expr: 'max>=0.001ms', actual: report.summary.latency.max, failed: true }])
  })

  it('refuses a URL that is not loopback, an unknown preset and a bad threshold with exit code 2', async () => {
    expect((await cli(['steady-at-80', '--url', 'http://10.1.2.3:8080'])).code).toBe(2)
    const unknown = await cli(['no-such-preset', '--url', sluice.url])
    expect(unknown.code).toBe(2)
    expect(unknown.out).toMatch(/unknown_preset/)
    expect((await cli(['steady-at-80', '--url', sluice.url, '--fail-on', 'speed>fast'])).code).toBe(2)
  })
})

describe('--fail-on thresholds', () => {
  const summary = {
    latency: { count: 10, p50: 2, p90: 8, p99: 60, max: 900 },
    statuses: { 202: 90, 429: 7, 503: 3 },
    errors: { reset: 2 },
    requests: { intended: 100, sent: 100, answered: 100, late: 0, skipped: 0 },
    rates: { offered: 100, sent: 100, achieved: 98, ok: 90 },
    server: { maxLoopDelayMs: 12, peakRssBytes: 150e6 },
  } as unknown as BurstSummary
  it.each([
    ['p99>50ms', true, 60],
    ['p99>0.1s', false, 60],
    ['errors>0', true, 2],
    ['429>=7', true, 7],
    ['5xx>0', true, 3],
    ['rejected>9', true, 10],
    ['rate<1000', true, 98],
    ['rss>200mb', false, 150e6],
    ['lag=12', true, 12],
  ] as const)('%s', (text, failed, actual) => {
    expect(judge(parseThreshold(text), summary)).toEqual({ failed, actual })
  })
})
