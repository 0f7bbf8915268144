/**
 * `npm run burst -- <preset> | --spec file.json [--url URL] [--token T] [--fail-on p99>50ms]...`
 *
 * Drives a running Sluice through its control API: starts the burst, prints a progress
 * bar and a line per second, then the summary; `--fail-on` thresholds set the exit code,
 * so the same scenario runs headless in CI. Exit codes: 0 passed, 1 a threshold was
 * crossed, 2 usage or API error, 3 the burst failed, 130 stopped with Ctrl-C.
 */
import { readFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import type { BurstPreset, BurstRecord, BurstSummary } from '../../shared/bursts.ts'
import { progressBar, secondLine, summaryText } from './cli-format.ts'
import { judge, parseThreshold, ThresholdError, THRESHOLD_METRICS, type Threshold } from './fail-on.ts'

const POLL_MS = 500
const REQUEST_TIMEOUT_MS = 10_000
const USAGE = `usage: npm run burst -- <preset> | --spec <file.json> [options]
       npm run burst -- --list [--url URL]

options:
  --url URL           the Sluice to drive, loopback only (default http://127.0.0.1:8080)
  --token TOKEN       bearer token (default: SLUICE_TOKEN)
  --fail-on EXPR      exit 1 when EXPR holds, e.g. p99>50ms, errors>0, 5xx>0, rate<1000;
                      repeat or separate with commas. Metrics: ${THRESHOLD_METRICS.join(', ')}
  --json              print the summary as JSON instead of text`

class UsageError extends Error {
  readonly code = 'usage'
}

const LOOPBACK = /^(localhost|127(\.\d{1,3}){3}|\[::1\])$/i

function loopbackUrl(raw: string): URL {
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new UsageError(`--url ${raw} is not a URL`)
  }
  if (url.protocol !== 'http:' || !LOOPBACK.test(url.hostname)) throw new UsageError(`--url must be http:// on a loopback address (localhost, 127.x.x.x, [::1]); got ${raw}`)
  return url
}

function client(base: URL, token: string | undefined) {
  return async function call<T>(method: string, path: string, body?: unknown): Promise<{ status: number; body: T }> {
    const response = await fetch(new URL(path, base), {
      method,
      headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...(token ? { authorization: `Bearer ${token}` } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    })
    const text = await response.text()
    return { status: response.status, body: (text ? JSON.parse(text) : {}) as T }
  }
}

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      url: { type: 'string', default: 'http://127.0.0.1:8080' },
      token: { type: 'string' },
      spec: { type: 'string' },
      'fail-on': { type: 'string', multiple: true, default: [] },
      list: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) {
    console.log(USAGE)
    return 0
  }
  const call = client(loopbackUrl(values.url), values.token ?? process.env.SLUICE_TOKEN)
  if (values.list) {
    const { body } = await call<{ presets: BurstPreset[] }>('GET', '/api/presets')
    for (const preset of body.presets) console.log(`${preset.name.padEnd(32)} ${preset.title}\n${' '.repeat(33)}${preset.watch}\n`)
    return 0
  }
  const thresholds: Threshold[] = values['fail-on'].flatMap((text) => text.split(',')).filter((text) => text.trim()).map(parseThreshold)
  if ((positionals.length === 1) === (values.spec !== undefined) || positionals.length > 1) throw new UsageError('give one preset name or --spec <file>')
  let request: unknown
  if (values.spec !== undefined) {
    const parsed = JSON.parse(await readFile(values.spec, 'utf8')) as Record<string, unknown>
    request = { spec: 'spec' in parsed ? parsed.spec : parsed }
  } else {
    request = { preset: positionals[0] }
  }

  const started = await call<{ id: string; summary: BurstSummary; error?: string }>('POST', '/api/bursts', request)
  if (started.status !== 201) {
    console.error(`sluice answered ${started.status}: ${JSON.stringify(started.body)}`)
    return 2
  }
  const { id } = started.body
  const tty = process.stdout.isTTY === true
  let interrupted = false
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130)
    interrupted = true
    process.stderr.write('\nstopping the burst (Ctrl-C again to leave it running)...\n')
    void call('DELETE', `/api/bursts/${id}`).catch(() => {})
  })

  let record: BurstRecord | undefined
  let printed = 0
  let bar = ''
  for (;;) {
    const answer = await call<BurstRecord>('GET', `/api/bursts/${id}`)
    if (answer.status !== 200) throw new Error(`GET /api/bursts/${id} answered ${answer.status}`)
    record = answer.body
    const open = record.spec.model === 'open'
    if (!values.json) {
      if (tty && bar) process.stdout.write('\r\x1b[2K')
      for (; printed < record.series.length; printed++) console.log(secondLine(record.series[printed]!, open))
      if (tty) {
        bar = progressBar(Math.min(Date.now() - record.summary.startedAt, record.spec.durationMs), record.spec.durationMs)
        process.stdout.write(bar)
      }
    }
    if (record.summary.status !== 'running') break
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
  if (tty && bar && !values.json) process.stdout.write('\n')

  const summary = record.summary
  const verdicts = thresholds.map((threshold) => ({ threshold, ...judge(threshold, summary) }))
  if (values.json) {
    console.log(JSON.stringify({ summary, thresholds: verdicts.map((v) => ({ expr: v.threshold.text, actual: v.actual, failed: v.failed })) }, null, 2))
  } else {
    console.log(`\n${summaryText(summary)}`)
    for (const v of verdicts) console.log(`  ${v.failed ? 'FAIL' : 'pass'}      ${v.threshold.text} (actual ${v.actual})`)
  }
  if (summary.status === 'failed') return 3
  if (interrupted) return 130
  return verdicts.some((v) => v.failed) ? 1 : 0
}

try {
  process.exitCode = await main()
} catch (error) {
  if (error instanceof UsageError || error instanceof ThresholdError) {
    console.error(`burst: ${error.message}\n\n${USAGE}`)
  } else {
    const cause = (error as { cause?: { code?: string } }).cause?.code
    console.error(`burst: ${cause === 'ECONNREFUSED' ? 'no Sluice answers at that --url (is `npm start` running?)' : (error as Error).message}`)
  }
  process.exitCode = 2
}
