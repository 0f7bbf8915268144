/**
 * What every bench entry point owns: a scratch folder, the child processes and the one
 * PostgreSQL. `cleanup()` stops them in that order (children write to the database) on
 * any way out, once; a Ctrl-C or SIGTERM runs it and exits 130.
 */
import { mkdtempSync, rmSync } from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { stopAll } from './children.ts'
import { BenchDatabase } from './database.ts'

export interface BenchSession {
  readonly scratchDir: string
  /** True once a signal asked the run to stop: leave the loop, write no results. */
  readonly interrupted: boolean
  /** The run's PostgreSQL: DATABASE_URL when set, else an embedded one. */
  openDatabase(): Promise<BenchDatabase>
  cleanup(): Promise<void>
}

export function openSession(log: (line: string) => void): BenchSession {
  const scratchDir = mkdtempSync(path.join(os.tmpdir(), 'sluice-bench-'))
  let db: BenchDatabase | undefined
  let cleaning: Promise<void> | undefined
  const cleanup = () =>
    (cleaning ??= (async () => {
      await stopAll()
      await db?.close()
      rmSync(scratchDir, { recursive: true, force: true })
    })())

  // `on`, not `once`: a Ctrl-C arrives twice (from the terminal and relayed by tsx), and
  // with no listener left the second one would exit before the database is stopped.
  // Cleanup is bounded (SIGKILL after a few seconds), so repeats just wait for it.
  let interrupted = false
  for (const signal of ['SIGINT', 'SIGTERM'] as const) {
    process.on(signal, () => {
      if (!interrupted) log(`${signal}: stopping the servers, the load and the database`)
      interrupted = true
      void cleanup().finally(() => process.exit(130))
    })
  }

  return {
    scratchDir,
    get interrupted() {
      return interrupted
    },
    async openDatabase() {
      db = await BenchDatabase.open(process.env.DATABASE_URL, log)
      return db
    },
    cleanup,
  }
}
