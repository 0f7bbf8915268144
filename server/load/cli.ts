/**
 * `npm run burst -- <preset> | --spec file.json [--threshold p95<50ms]... [--report run.html]`
 *
 * Drives a running Sluice through its control API: starts the burst, prints a progress
 * bar and a line per second, then the summary. Thresholds set the exit code, so the same
 * scenario runs headless in CI; `--help` lists presets, metrics and exit codes.
 */
import { readFile, writeFile } from 'node:fs/promises'
import { parseArgs } from 'node:util'
import type { BurstPreset, BurstRecord, BurstSummary } from '../../shared/bursts.ts'
import { renderReport } from '../../shared/report.ts'
import { progressBar, secondLine, summaryText } from './cli-format.ts'
import { defaultUrl, EXIT, usage } from './cli-usage.ts'
import { judge, parseThreshold, ThresholdError, type Threshold } from './thresholds.ts'

const POLL_MS = 500
const REQUEST_TIMEOUT_MS = 10_000
// The environment is read once, here: the CLI's own defaults.
const DEFAULT_URL = defaultUrl(process.env.PORT)
const ENV_TOKEN = process.env.SLUICE_TOKEN

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

const expressions = (values: readonly string[]) => values.flatMap((text) => text.split(',')).filter((text) => text.trim())

async function main(): Promise<number> {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: {
      url: { type: 'string', default: DEFAULT_URL },
      token: { type: 'string' },
      spec: { type: 'string' },
      threshold: { type: 'string', multiple: true, default: [] },
      'fail-on': { type: 'string', multiple: true, default: [] },
      'abort-on-fail': { type: 'boolean', default: false },
      report: { type: 'string' },
      list: { type: 'boolean', default: false },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  })
  if (values.help) {
    console.log(usage(DEFAULT_URL))
    return EXIT.passed
  }
  const call = client(loopbackUrl(values.url), values.token ?? ENV_TOKEN)
  if (values.list) {
    const { body } = await call<{ presets: BurstPreset[] }>('GET', '/api/presets')
    for (const preset of body.presets) console.log(`${preset.name.padEnd(32)} ${preset.title}\n${' '.repeat(33)}${preset.watch}\n`)
    return EXIT.passed
  }
  const thresholds: Threshold[] = [
    ...expressions(values.threshold).map((text) => parseThreshold(text, 'must-hold')),
    ...expressions(values['fail-on']).map((text) => parseThreshold(text, 'must-not')),
  ]
  if (values.report !== undefined && !values.report.endsWith('.html')) throw new UsageError('--report names an .html file')
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
    return EXIT.usage
  }
  const { id } = started.body
  const tty = process.stdout.isTTY === true
  let interrupted = false
  process.on('SIGINT', () => {
    if (interrupted) process.exit(EXIT.interrupted)
    interrupted = true
    process.stderr.write('\nstopping the burst (Ctrl-C again to leave it running)...\n')
    void call('DELETE', `/api/bursts/${id}`).catch(() => {})
  })

  let record: BurstRecord | undefined
  let printed = 0
  let bar = ''
  let aborted: string | null = null
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
    // k6's abortOnFail: judged on the run so far, once it has a whole second to judge.
    if (values['abort-on-fail'] && !aborted && record.series.length > 0) {
      const crossed = thresholds.find((t) => judge(t, record!.summary).failed)
      if (crossed) {
        aborted = crossed.text
        if (!values.json) process.stderr.write(`${tty && bar ? '\n' : ''}threshold ${crossed.text} failed after ${record.series.length} s: stopping the burst (--abort-on-fail)\n`)
        await call('DELETE', `/api/bursts/${id}`)
      }
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS))
  }
  if (tty && bar && !values.json) process.stdout.write('\n')

  const summary = record.summary
  const verdicts = thresholds.map((threshold) => ({ threshold, ...judge(threshold, summary) }))
  if (values.report !== undefined) await writeFile(values.report, renderReport(record))
  if (values.json) {
    const thresholdsOut = verdicts.map((v) => ({ expr: v.threshold.text, kind: v.threshold.kind, actual: v.actual, failed: v.failed }))
    console.log(JSON.stringify({ summary, thresholds: thresholdsOut, ...(aborted ? { abortedBy: aborted } : {}), ...(values.report ? { report: values.report } : {}) }, null, 2))
  } else {
    console.log(`\n${summaryText(summary)}`)
    for (const v of verdicts) console.log(`  ${v.failed ? 'FAIL' : 'pass'}      ${v.threshold.kind === 'must-hold' ? 'threshold' : 'fail-on'} ${v.threshold.text} (actual ${v.shown})`)
    if (aborted) console.log(`  ABORTED   by ${aborted} (--abort-on-fail)`)
    if (values.report !== undefined) console.log(`  report    ${values.report}`)
  }
  if (summary.status === 'failed') return EXIT.burstFailed
  if (interrupted) return EXIT.interrupted
  return aborted || verdicts.some((v) => v.failed) ? EXIT.threshold : EXIT.passed
}

try {
  process.exitCode = await main()
} catch (error) {
  const parseArgsError = String((error as { code?: unknown }).code ?? '').startsWith('ERR_PARSE_ARGS')
  if (error instanceof UsageError || error instanceof ThresholdError || parseArgsError) {
    console.error(`burst: ${(error as Error).message}\n\n${usage(DEFAULT_URL)}`)
  } else {
    const cause = (error as { cause?: { code?: string } }).cause?.code
    console.error(`burst: ${cause === 'ECONNREFUSED' ? 'no Sluice answers at that --url (is `npm start` running?)' : (error as Error).message}`)
  }
  process.exitCode = EXIT.usage
}
