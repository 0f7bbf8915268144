/**
 * Every process the bench starts goes through here, so that on any way out (done, error,
 * Ctrl-C) each one still running is stopped, by its own pid and by nothing broader.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { fileURLToPath } from 'node:url'

/** The repository root: children run from it, so packages resolve wherever the bench was started. */
export const ROOT = fileURLToPath(new URL('..', import.meta.url))

const running = new Set<Child>()
const STDERR_TAIL_CHARS = 4_000

export interface SpawnOptions {
  readonly env?: Record<string, string>
  /** `--import` preloads (the probe). */
  readonly preload?: readonly string[]
}

/** A plain `node` child running built JavaScript (bench/build.ts): every bench process runs the same way. */
export class Child {
  readonly process: ChildProcess
  readonly exit: Promise<void>
  #stdout = ''
  #stderr = ''

  constructor(script: string, args: readonly string[], { env = {}, preload = [] }: SpawnOptions = {}) {
    this.process = spawn(process.execPath, [...preload.flatMap((file) => ['--import', file]), script, ...args], {
      cwd: ROOT,
      env: { ...process.env, ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    })
    // Kept whole: it is the load generator's or the copy loop's JSON; servers print a line or two.
    this.process.stdout!.on('data', (chunk: Buffer) => {
      this.#stdout += chunk.toString()
    })
    // Only the tail: enough to say why a child failed, never a growing buffer.
    this.process.stderr!.on('data', (chunk: Buffer) => {
      this.#stderr = (this.#stderr + chunk.toString()).slice(-STDERR_TAIL_CHARS)
    })
    this.exit = new Promise((resolve) => {
      this.process.once('close', () => resolve())
      // A spawn that fails outright emits 'error' and maybe no 'close'.
      this.process.once('error', (error) => {
        this.#stderr += String(error)
        resolve()
      })
    })
    running.add(this)
    void this.exit.then(() => running.delete(this))
  }

  get exited(): boolean {
    return this.process.exitCode !== null || this.process.signalCode !== null
  }

  /** What went wrong, for error messages. */
  describe(): string {
    const how = this.process.signalCode ?? `exit ${this.process.exitCode}`
    return `${this.process.spawnargs.slice(-2).join(' ')} (${how}): ${this.#stderr.trim() || '(no stderr)'}`
  }

  /** Sends `signal`, SIGKILLs after `timeoutMs`; resolves once the process is gone. */
  async stop(signal: NodeJS.Signals, timeoutMs: number): Promise<void> {
    if (this.exited) return await this.exit
    this.process.kill(signal)
    const timer = setTimeout(() => this.process.kill('SIGKILL'), timeoutMs)
    await this.exit
    clearTimeout(timer)
  }

  /** Its whole stdout once it exits; rejects on a failure, or after `timeoutMs` (killing it). */
  async output(timeoutMs: number): Promise<string> {
    const timer = setTimeout(() => this.process.kill('SIGKILL'), timeoutMs)
    try {
      await this.exit
    } finally {
      clearTimeout(timer)
    }
    if (this.process.exitCode !== 0) throw new Error(`child failed: ${this.describe()}`)
    return this.#stdout
  }
}

/** Stops whatever is still running: a polite SIGTERM, then SIGKILL. */
export async function stopAll(): Promise<void> {
  await Promise.all([...running].map((child) => child.stop('SIGTERM', 3_000)))
}

