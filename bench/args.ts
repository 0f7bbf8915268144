/** `npm run bench -- [--duration s] [--warmup s] [--only a,b] [--quick]`, parsed once. */
import { parseArgs } from 'node:util'

export interface BenchOptions {
  readonly durationS: number
  readonly warmupS: number
  /** Substrings of scenario names; empty = all. */
  readonly only: readonly string[]
  readonly help: boolean
}

// 8 s measured + 2 s warm-up over 27 scenarios: about 7 minutes, 2 of them overload.
const DEFAULT_DURATION_S = 8
const DEFAULT_WARMUP_S = 2
const QUICK_DURATION_S = 3
const QUICK_WARMUP_S = 1
const MAX_SECONDS = 120

function seconds(flag: string, raw: string | undefined, fallback: number): number {
  if (raw === undefined) return fallback
  const value = Number(raw)
  if (!Number.isInteger(value) || value < 1 || value > MAX_SECONDS) throw new Error(`--${flag}: expected whole seconds from 1 to ${MAX_SECONDS}, got "${raw}"`)
  return value
}

export const USAGE = `usage: npm run bench -- [--duration s] [--warmup s] [--only name,...] [--quick]
  --duration  measured seconds per scenario (default ${DEFAULT_DURATION_S})
  --warmup    warm-up seconds per scenario (default ${DEFAULT_WARMUP_S})
  --only      run the scenarios whose name contains one of these (e.g. copy, single/, overload)
  --quick     ${QUICK_DURATION_S} s measured, ${QUICK_WARMUP_S} s warm-up: a smoke run, not figures to quote`

export function parseBenchArgs(argv: readonly string[]): BenchOptions {
  const { values } = parseArgs({
    args: [...argv],
    options: {
      duration: { type: 'string' },
      warmup: { type: 'string' },
      only: { type: 'string', multiple: true },
      quick: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
    strict: true,
  })
  return {
    durationS: seconds('duration', values.duration, values.quick ? QUICK_DURATION_S : DEFAULT_DURATION_S),
    warmupS: seconds('warmup', values.warmup, values.quick ? QUICK_WARMUP_S : DEFAULT_WARMUP_S),
    only: (values.only ?? []).flatMap((value) => value.split(',')).map((value) => value.trim()).filter(Boolean),
    help: values.help,
  }
}
