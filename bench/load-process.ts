/** The two load generators, each run as a process of its own, and what they print. */
import { built, type BenchScript } from './build.ts'
import { Child } from './children.ts'
import type { GeneratorLoadResult, GeneratorLoadSpec } from './generator-load.ts'
import type { LoadResult, LoadSpec } from './load.ts'

// A load process that outlives its duration by this much is stuck: kill it.
const LOAD_GRACE_MS = 30_000

async function run<T>(script: BenchScript, spec: { readonly durationS: number }): Promise<T> {
  const child = new Child(built(script), [JSON.stringify(spec)])
  return JSON.parse(await child.output(spec.durationS * 1000 + LOAD_GRACE_MS)) as T
}

/** autocannon, closed loop: the throughput scenarios and every warm-up. */
export const runLoad = (spec: LoadSpec) => run<LoadResult>('load', spec)

/** Sluice's burst generator, open or closed: the overload scenarios. */
export const runGeneratorLoad = (spec: GeneratorLoadSpec) => run<GeneratorLoadResult>('generator-load', spec)

/** 2xx answers in an autocannon run. */
export function twoXX(load: LoadResult): number {
  let n = 0
  for (const [code, count] of Object.entries(load.status)) if (code.startsWith('2')) n += count
  return n
}
