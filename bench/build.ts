/**
 * Builds what the bench runs, so every measured process runs JavaScript the way
 * `npm start` runs Sluice: Sluice's own bundle from `npm run build:server`
 * (dist/server/main.js, the very file `npm start` serves), and the bench's processes
 * (references, load generators, the copy loop, the probe) bundled alike into dist/bench.
 * No process is measured under tsx, whose loader and source-map support are not what
 * production runs, and Sluice is not measured against references compiled differently.
 */
import { spawnSync } from 'node:child_process'
import path from 'node:path'
import { build } from 'esbuild'
import { ROOT } from './children.ts'

const OUT_DIR = path.join(ROOT, 'dist', 'bench')

/** Every script a bench child runs, by its source name under bench/. */
const ENTRIES = ['probe', 'load', 'generator-load', 'copy-loop', 'servers/bare-node', 'servers/bare-hono', 'servers/level0'] as const
export type BenchScript = (typeof ENTRIES)[number]

/** Where the built `name` is. */
export const built = (name: BenchScript) => path.join(OUT_DIR, `${name}.js`)
export const SLUICE_MAIN = path.join(ROOT, 'dist', 'server', 'main.js')

export async function buildBench(): Promise<void> {
  const npm = spawnSync('npm', ['run', '--silent', 'build:server'], { cwd: ROOT, stdio: ['ignore', 'ignore', 'pipe'], encoding: 'utf8' })
  if (npm.status !== 0) throw new Error(`npm run build:server failed (${npm.status ?? npm.signal}): ${npm.stderr || npm.error}`)
  await build({
    // The same options as build:server, so both sides of every ratio are compiled alike.
    entryPoints: Object.fromEntries(ENTRIES.map((name) => [name, path.join(ROOT, 'bench', `${name}.ts`)])),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    packages: 'external',
    outdir: OUT_DIR,
    sourcemap: true,
    logLevel: 'warning',
  })
}
