import type { TestProject } from 'vitest/node'
import { startEmbedded, type EmbeddedDatabase } from '../../server/db/embedded.ts'

declare module 'vitest' {
  export interface ProvidedContext {
    databaseUrl: string
  }
}

let embedded: EmbeddedDatabase | undefined

/** One real PostgreSQL for the run: DATABASE_URL when set, else an embedded one. */
export async function setup(project: TestProject): Promise<void> {
  let url = process.env.DATABASE_URL
  if (!url) {
    embedded = await startEmbedded({ dataDir: '.sluice-test', settings: { fsync: 'off' } })
    url = embedded.url
  }
  project.provide('databaseUrl', url)
}

export async function teardown(): Promise<void> {
  await embedded?.stop()
}
