/**
 * Starts one server under test as its own process, with the probe preloaded, and stops
 * it the way its operator would: SIGTERM, and for Sluice the wait while it drains.
 */
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { freePort } from '../server/db/embedded.ts'
import { built, SLUICE_MAIN } from './build.ts'
import { Child } from './children.ts'
import { readProbe, type ProbeReport } from './probe-report.ts'

export const SERVERS = ['bare-node', 'bare-hono', 'level0', 'sluice-copy', 'sluice-spool', 'sluice-batch', 'sluice-direct', 'sluice-workers1', 'sluice-workers2'] as const
export type ServerName = (typeof SERVERS)[number]

/** Which of them write to the database (the others have no rows to count and nothing to lose). */
export const WRITES: Record<ServerName, boolean> = {
  'bare-node': false,
  'bare-hono': false,
  level0: true,
  'sluice-copy': true,
  'sluice-spool': true,
  'sluice-batch': true,
  'sluice-direct': true,
  'sluice-workers1': true,
  'sluice-workers2': true,
}

const READY_TIMEOUT_MS = 30_000
const READY_POLL_MS = 50
// Sluice's drain deadline is 15 s (SLUICE_DRAIN_TIMEOUT_MS); past this it is stuck.
const SLUICE_EXIT_TIMEOUT_MS = 30_000
const EXIT_TIMEOUT_MS = 5_000

export const PROBE = built('probe')

/**
 * `sluice-spool` is the COPY writer with the write-ahead spool (a 202 once fdatasync'd);
 * every other Sluice runs with durability `memory`, whatever the environment says.
 * `sluice-workersN` is the COPY writer with SLUICE_WORKERS=N (node:cluster); the others run
 * one process, whatever the environment says.
 */
type Sluice = Extract<ServerName, `sluice-${string}`>
const isSluice = (name: ServerName): name is Sluice => name.startsWith('sluice-')

function launch(name: ServerName, databaseUrl: string, spoolDir: string): { script: string; env: Record<string, string> } {
  if (isSluice(name)) {
    const spool = name === 'sluice-spool'
    const workers = /^sluice-workers(\d+)$/.exec(name)?.[1]
    return {
      // What `npm start` serves.
      script: SLUICE_MAIN,
      // Other SLUICE_* tuning passes through from the environment, on purpose; a token
      // would turn every bench request into a 401, so it is cleared ('' reads as unset).
      env: {
        DATABASE_URL: databaseUrl,
        SLUICE_WRITER: spool || workers ? 'copy' : name.slice('sluice-'.length),
        SLUICE_WORKERS: workers ?? '1',
        SLUICE_DURABILITY: spool ? 'spool' : 'memory',
        SLUICE_SPOOL_DIR: spoolDir,
        SLUICE_LOG: 'silent',
        SLUICE_TOKEN: '',
      },
    }
  }
  return { script: built(`servers/${name}`), env: name === 'level0' ? { DATABASE_URL: databaseUrl } : {} }
}

export interface Stopped {
  /** SIGTERM to exit: Sluice's drain of its queue. */
  readonly drainS: number
  readonly exitCode: number | null
  readonly probe: ProbeReport | null
}

export class ServerProcess {
  private constructor(readonly name: ServerName, readonly url: string, readonly child: Child, readonly probeFile: string) {}

  /** `env` is laid over the server's own (e.g. SLUICE_ADMISSION for one scenario). */
  static async start(name: ServerName, databaseUrl: string, scratchDir: string, extraEnv: Record<string, string> = {}): Promise<ServerProcess> {
    const host = '127.0.0.1'
    const port = await freePort(host)
    const probeFile = path.join(scratchDir, `${name}-${port}.json`)
    // A spool of its own per run: the table is emptied between scenarios, the spool must be too.
    const { script, env } = launch(name, databaseUrl, path.join(scratchDir, `spool-${port}`))
    const child = new Child(script, [], { preload: [PROBE], env: { ...env, ...extraEnv, HOST: host, PORT: String(port), BENCH_PROBE_FILE: probeFile } })
    const server = new ServerProcess(name, `http://${host}:${port}`, child, probeFile)
    await server.#ready()
    return server
  }

  async #ready(): Promise<void> {
    const deadline = performance.now() + READY_TIMEOUT_MS
    for (;;) {
      if (this.child.exited) throw new Error(`${this.name} exited while starting: ${this.child.describe()}`)
      try {
        const response = await fetch(`${this.url}/readyz`, { signal: AbortSignal.timeout(1_000) })
        await response.body?.cancel()
        if (response.ok) return
      } catch {
        // not listening yet
      }
      if (performance.now() > deadline) {
        await this.child.stop('SIGKILL', 1_000)
        throw new Error(`${this.name} not ready within ${READY_TIMEOUT_MS} ms: ${this.child.describe()}`)
      }
      await sleep(READY_POLL_MS)
    }
  }

  /** The measured window starts now: the probe forgets the warm-up's loop delays. */
  markMeasureStart(): void {
    this.child.process.kill('SIGUSR2')
  }

  /** The load has stopped: the probe's loop-delay window ends here, before the drain. */
  markMeasureEnd(): void {
    this.child.process.kill('SIGUSR2')
  }

  async stop(): Promise<Stopped> {
    const started = performance.now()
    await this.child.stop('SIGTERM', this.name.startsWith('sluice-') ? SLUICE_EXIT_TIMEOUT_MS : EXIT_TIMEOUT_MS)
    const drainS = (performance.now() - started) / 1000
    return { drainS, exitCode: this.child.process.exitCode, probe: readProbe(this.probeFile) }
  }
}
