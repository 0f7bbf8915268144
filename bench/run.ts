/**
 * `npm run bench`: every scenario in one run against one PostgreSQL, each server and the
 * load generator in processes of their own; prints a table and writes results/latest.json.
 */
import { mkdirSync, writeFileSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { parseBenchArgs, USAGE } from './args.ts'
import { buildBench } from './build.ts'
import { ROOT } from './children.ts'
import { runScenario } from './measure.ts'
import { ratios } from './ratios.ts'
import type { BenchResult, ScenarioRow } from './result.ts'
import { selectScenarios } from './scenarios.ts'
import { openSession } from './session.ts'
import { formatOverloadSection } from './overload-table.ts'
import { formatNoise, formatRatios, formatSpool, formatTable } from './table.ts'

const RESULTS = path.join(ROOT, 'bench', 'results', 'latest.json')
// Progress goes to stderr, so stdout carries only the table and the ratios.
const log = (line: string) => process.stderr.write(`${line}\n`)

const options = parseBenchArgs(process.argv.slice(2))
if (options.help) {
  console.log(USAGE)
  process.exit(0)
}
const scenarios = selectScenarios(options.only)
if (scenarios.length === 0) {
  console.error(`no scenario matches --only ${options.only.join(',')}`)
  process.exit(2)
}

const session = openSession(log)

const started = performance.now()
let failed = 0
const done = new Map<string, ScenarioRow>()
try {
  await buildBench()
  const db = await session.openDatabase()
  const postgres = await db.version()
  log(`${scenarios.length} scenarios, ${options.durationS} s each after ${options.warmupS} s of warm-up, PostgreSQL ${postgres}`)
  for (const [index, scenario] of scenarios.entries()) {
    if (session.interrupted) break
    const t0 = performance.now()
    try {
      const row = await runScenario(scenario, { db, durationS: options.durationS, warmupS: options.warmupS, scratchDir: session.scratchDir, done })
      done.set(row.name, row)
      log(`[${index + 1}/${scenarios.length}] ${scenario.name}: ${row.events_per_s ?? '-'} events/s, ${row.requests_per_s ?? '-'} req/s (${((performance.now() - t0) / 1000).toFixed(1)} s)`)
    } catch (error) {
      if (session.interrupted) break
      failed++
      log(`[${index + 1}/${scenarios.length}] ${scenario.name} FAILED: ${(error as Error).stack ?? error}`)
    }
  }
  // An interrupted run is no result: stop everything and leave latest.json as it was.
  if (session.interrupted) {
    await session.cleanup()
    process.exit(130)
  }
  const rows = [...done.values()]
  const result: BenchResult = {
    machine: {
      cpus: os.cpus().length,
      cpu_model: os.cpus()[0]?.model ?? 'unknown',
      memory_gb: Math.round(os.totalmem() / 2 ** 30),
      node: process.version,
      platform: `${process.platform}-${process.arch} ${os.release()}`,
      postgres,
      date: new Date().toISOString(),
      bench: { duration_s: options.durationS, warmup_s: options.warmupS, total_s: Math.round((performance.now() - started) / 1000) },
    },
    scenarios: rows,
    ratios: ratios(rows),
  }
  mkdirSync(path.dirname(RESULTS), { recursive: true })
  writeFileSync(RESULTS, `${JSON.stringify(result, null, 2)}\n`)
  console.log(formatTable(rows))
  const overload = formatOverloadSection(rows)
  if (overload) console.log(`\n${overload}`)
  const spool = formatSpool(rows)
  if (spool) console.log(`\n${spool}`)
  if (Object.keys(result.ratios).length > 0) console.log(`\n${formatRatios(result.ratios)}`)
  const noise = formatNoise(rows)
  if (noise) console.log(`\n${noise}`)
  log(`\n${path.relative(process.cwd(), RESULTS)} written; the run took ${((performance.now() - started) / 1000).toFixed(0)} s`)
} finally {
  await session.cleanup()
}
if (failed > 0) process.exit(1)
