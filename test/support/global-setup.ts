import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import path from 'node:path'
import type { TestProject } from 'vitest/node'
import { startEmbedded, type EmbeddedDatabase } from '../../server/db/embedded.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string
  }
}

let embedded: EmbeddedDatabase | undefined
let dataDir: string | undefined

/** One real PostgreSQL for the run: DATABASE_URL when set, else an embedded one. */
export async function setup(project: TestProject): Promise<void> {
  let url = process.env.DATABASE_URL
  if (!url) {
    // A folder per run, so two test runs at once never share (or stop) a cluster.
    dataDir = mkdtempSync(path.join(tmpdir(), 'sluice-test-'))
    embedded = await startEmbedded({ dataDir, settings: { fsync: 'off' } })
    url = embedded.url
  }
  project.provide('databaseUrl', url)
}

export async function teardown(): Promise<void> {
  await embedded?.stop()
  if (dataDir) rmSync(dataDir, { recursive: true, force: true })
}
