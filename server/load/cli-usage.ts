import { PRESETS } from '../../shared/presets.ts'
import { THRESHOLD_METRICS } from './thresholds.ts'

/** What `npm run burst` answers and how it exits: one table for --help and for the code. */
export const EXIT = {
  passed: 0,
  threshold: 1,
  usage: 2,
  burstFailed: 3,
  interrupted: 130,
} as const

const DEFAULT_PORT = 8080

/** http://127.0.0.1:$PORT: the same port `npm start` listens on in this shell. */
export function defaultUrl(port: string | undefined): string {
  const n = Number(port)
  return `http://127.0.0.1:${Number.isInteger(n) && n > 0 && n < 65_536 ? n : DEFAULT_PORT}`
}

export function usage(url: string): string {
  const width = Math.max(...PRESETS.map((p) => p.name.length))
  return `usage: npm run burst -- <preset> | --spec <file.json> [options]
       npm run burst -- --list [--url URL]

options:
  --url URL             the Sluice to drive, loopback only (default ${url}, from PORT)
  --token TOKEN         bearer token (default: SLUICE_TOKEN)
  --threshold EXPR      what must hold, k6-style, or the run fails (exit 1):
                        p95<50ms, p(99)<200ms, failed<1%, 5xx==0, rate>=1000/s, rss<300mb
  --fail-on EXPR        what must not hold (exit 1 when it does): p99>50ms, errors>0
  --abort-on-fail       stop the burst as soon as a threshold fails (judged on the run so far)
  --report FILE.html    write the run as one self-contained HTML report
  --json                print the summary and the verdicts as JSON
  -h, --help            this text
  Repeat --threshold and --fail-on, or separate expressions with commas.
  Operators: < <= > >= == !=. Units: us ms s (time), b kb mb gb (bytes), /s, % (a count
  as a share of what it is counted out of).

metrics:
${THRESHOLD_METRICS.map((m) => `  ${m}`).join('\n')}

presets:
${PRESETS.map((p) => `  ${p.name.padEnd(width)}  ${p.title}`).join('\n')}

exit codes:
  ${EXIT.passed}    every threshold held
  ${EXIT.threshold}    a threshold failed (or --abort-on-fail stopped the burst)
  ${EXIT.usage}    usage or API error (bad option, unknown preset, no server at --url)
  ${EXIT.burstFailed}    the burst itself failed
  ${EXIT.interrupted}  stopped with Ctrl-C`
}
