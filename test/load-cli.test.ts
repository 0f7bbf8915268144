import { spawn } from 'node:child_process'
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { judge, parseThreshold } from '../server/load/thresholds.ts'
import type { BurstRecord, BurstSummary } from '../shared/bursts.ts'
import { renderReport } from '../shared/report.ts'
import { api, expectAllAnswered, SMALL_BODY } from './support/bursts.ts'
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
function cli(args: string[], timeoutMs = 20_000, env: Record<string, string> = {}): Promise<{ code: number | null; out: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/load/cli.ts', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, PORT: '', ...env } })
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

async function specFile(name: string, spec: object): Promise<string> {
  const file = join(dir, name)
  await writeFile(file, JSON.stringify(spec))
  return file
}

describe('npm run burst', () => {
  it('runs a spec headless, prints a line per second and the summary, and exits by its --fail-on thresholds', async () => {
    const spec = await specFile('spec.json', { model: 'open', shape: { kind: 'steady', level: 40 }, durationMs: 1_500, body: SMALL_BODY })
    const passing = await cli(['--spec', spec, '--url', sluice.url, '--fail-on', 'errors>0,5xx>0'])
    expect(passing.out).toMatch(/^\s+1\.\ds\s+target\s+40\/s/m)
    expect(passing.out).toMatch(/finished: custom \(open/)
    expect(passing.out).toMatch(/statuses\s+202: \d+$/m)
    expect(passing.out).toMatch(/pass\s+fail-on errors>0 \(actual 0\)/)
    expect(passing.code).toBe(0)

    // Any answer takes at least a microsecond: this threshold always holds.
    const failing = await cli(['--spec', spec, '--url', sluice.url, '--fail-on', 'max>=0.001ms', '--json'])
    expect(failing.code).toBe(1)
    const report = JSON.parse(failing.out.slice(failing.out.indexOf('{'))) as { summary: BurstSummary; thresholds: Array<{ failed: boolean }> }
    expectAllAnswered(report.summary, 60, 202)
    expect(report.thresholds).toEqual([{ expr: 'max>=0.001ms', kind: 'must-not', actual: report.summary.latency.max, failed: true }])
  })

  it('judges k6-style --threshold expressions that must hold, prints figures in human units, and writes the HTML report', async () => {
    const spec = await specFile('threshold.json', { model: 'open', shape: { kind: 'steady', level: 40 }, durationMs: 1_500, body: SMALL_BODY })
    const report = join(dir, 'run.html')
    const run = await cli(['--spec', spec, '--url', sluice.url, '--threshold', 'failed<1%,p(95)<60s', '--threshold', 'rss<1mb', '--report', report])
    expect(run.out).toMatch(/pass\s+threshold failed<1% \(actual 0% \(0 of \d+\)\)/)
    expect(run.out).toMatch(/pass\s+threshold p\(95\)<60s \(actual [\d.]+ ms\)/)
    // A real server is far over a megabyte; the figure reads as megabytes, not as 217378816.
    expect(run.out).toMatch(/FAIL\s+threshold rss<1mb \(actual \d+(\.\d)? MB\)/)
    expect(run.out).toMatch(/peak RSS \d+(\.\d)? MB/)
    expect(run.out).toMatch(/latency\s+p50 [\d.]+ ms\s+p90 [\d.]+ ms\s+p95 [\d.]+ ms\s+p99 [\d.]+ ms/)
    expect(run.code).toBe(1)

    // The report is the server's own rendering of the same record.
    const html = await readFile(report, 'utf8')
    const id = /Run <code>([\w-]+)<\/code>/.exec(html)![1]!
    const record = (await api<BurstRecord>(sluice.url, 'GET', `/api/bursts/${id}`)).body
    expect(html).toBe(renderReport(record))
    const served = await api<string>(sluice.url, 'GET', `/api/bursts/${id}?format=html`)
    expect(served.status).toBe(200)
    expect(served.body).toBe(html)
  })

  it('stops the burst as soon as a threshold fails with --abort-on-fail, and exits 1', async () => {
    const spec = await specFile('long.json', { model: 'open', shape: { kind: 'steady', level: 20 }, durationMs: 60_000, body: SMALL_BODY })
    const run = await cli(['--spec', spec, '--url', sluice.url, '--threshold', 'rate>=100000/s', '--abort-on-fail', '--json'], 30_000)
    expect(run.code).toBe(1)
    const out = JSON.parse(run.out.slice(run.out.indexOf('{'))) as { summary: BurstSummary; abortedBy: string }
    expect(out.abortedBy).toBe('rate>=100000/s')
    expect(out.summary.status).toBe('stopped')
    expect(out.summary.durationMs).toBeLessThan(60_000)
  })

  it('--help lists the presets, the metrics and the exit codes; the default URL follows PORT', async () => {
    const help = await cli(['--help'], 20_000, { PORT: '9123' })
    expect(help.code).toBe(0)
    expect(help.out).toContain('default http://127.0.0.1:9123')
    for (const text of ['queue-full-spike', 'Ramp to collapse', 'p95', 'failed', 'exit codes:', '130', '--report FILE.html']) expect(help.out).toContain(text)

    // No --url: PORT says where the server is.
    const spec = await specFile('port.json', { model: 'open', shape: { kind: 'steady', level: 20 }, durationMs: 500, body: SMALL_BODY })
    const run = await cli(['--spec', spec], 20_000, { PORT: new URL(sluice.url).port })
    expect(run.code).toBe(0)
    expect(run.out).toMatch(/finished: custom/)
  })

  it('refuses a URL that is not loopback, an unknown preset and a bad threshold with exit code 2', async () => {
    expect((await cli(['steady-at-80', '--url', 'http://10.1.2.3:8080'])).code).toBe(2)
    const unknown = await cli(['no-such-preset', '--url', sluice.url])
    expect(unknown.code).toBe(2)
    expect(unknown.out).toMatch(/unknown_preset/)
    expect((await cli(['steady-at-80', '--url', sluice.url, '--fail-on', 'speed>fast'])).code).toBe(2)
    const noShare = await cli(['steady-at-80', '--url', sluice.url, '--threshold', 'p95<5%'])
    expect(noShare.code).toBe(2)
    expect(noShare.out).toMatch(/p95 is not a count/)
    expect((await cli(['steady-at-80', '--url', sluice.url, '--no-such-option'])).code).toBe(2)
  })
})

describe('thresholds', () => {
  const summary = {
    latency: { count: 10, p50: 2, p90: 8, p95: 30, p99: 60, p999: 80, max: 900 },
    statuses: { 202: 90, 429: 7, 503: 3 },
    errors: { reset: 2 },
    requests: { intended: 100, sent: 100, answered: 100, late: 0, skipped: 0 },
    rates: { offered: 100, sent: 100, achieved: 98, ok: 90 },
    server: { maxLoopDelayMs: 12, peakRssBytes: 150 * 1024 * 1024 },
  } as unknown as BurstSummary
  it.each([
    ['p99>50ms', true, 60],
    ['p99>0.1s', false, 60],
    ['errors>0', true, 2],
    ['429>=7', true, 7],
    ['5xx>0', true, 3],
    ['rejected>9', true, 10],
    ['rate<1000', true, 98],
    ['rss>200mb', false, 150 * 1024 * 1024],
    ['lag=12', true, 12],
    ['5xx>2%', true, 0.03],
  ] as const)('--fail-on %s', (text, failed, actual) => {
    expect(judge(parseThreshold(text, 'must-not'), summary)).toMatchObject({ failed, actual })
  })
  it.each([
    ['p95<50ms', false, 30],
    ['p(95)<25', true, 30],
    ['p99.9<=80ms', false, 80],
    ['failed<10%', true, 0.12],
    ['failed<=12%', false, 0.12],
    ['429<10%', false, 0.07],
    ['rate>=100/s', true, 98],
    ['rss<150mb', true, 150 * 1024 * 1024],
  ] as const)('--threshold %s', (text, failed, actual) => {
    const verdict = judge(parseThreshold(text, 'must-hold'), summary)
    expect(verdict.failed).toBe(failed)
    expect(verdict.actual).toBeCloseTo(actual, 10)
  })
  it('shows the judged figure in human units', () => {
    expect(judge(parseThreshold('rss<100mb', 'must-hold'), summary).shown).toBe('150 MB')
    expect(judge(parseThreshold('failed<1%', 'must-hold'), summary).shown).toBe('12% (12 of 100)')
    expect(judge(parseThreshold('p95<1s', 'must-hold'), summary).shown).toBe('30.0 ms')
  })
  it('fails a must-hold threshold on a figure the run does not have, and never trips a must-not on it', () => {
    const older = { ...summary, latency: { count: 10, p50: 2, p90: 8, p99: 60, max: 900 } } as BurstSummary
    expect(judge(parseThreshold('p95<50ms', 'must-hold'), older)).toMatchObject({ failed: true, shown: 'not measured' })
    expect(judge(parseThreshold('p95>50ms', 'must-not'), older).failed).toBe(false)
  })
})
