import { spawn, type ChildProcess } from 'node:child_process'
import { once } from 'node:events'
import { eventually } from './sluice.ts'

export interface ServerProcess {
  readonly url: string
  readonly child: ChildProcess
  /** Everything it printed so far, stdout and stderr. */
  output(): string
  /** Resolves with how it ended (exit code, or the signal that killed it). */
  readonly exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** SIGKILL, unless it already ended; resolves once it has. */
  kill(): Promise<void>
}

/** Runs `server/main.ts` as its own process with `env` added, and waits for it to listen. */
export async function startServerProcess(env: Record<string, string>, timeoutMs = 30_000): Promise<ServerProcess> {
  const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
    // Listening is learnt from the log line, so the log stays on.
    env: { ...process.env, PORT: '0', SLUICE_TOKEN: '', SLUICE_LOG: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  })
  let output = ''
  child.stdout!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  child.stderr!.on('data', (chunk: Buffer) => { output += chunk.toString() })
  const exited = once(child, 'exit').then(([code, signal]) => ({ code: code as number | null, signal: signal as NodeJS.Signals | null }))
  const kill = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL')
    await exited
  }
  try {
    await eventually(() => /listening on (http:\S+)/.test(output) || child.exitCode !== null, timeoutMs, 'the server to listen')
    if (child.exitCode !== null) throw new Error(`the server exited with ${child.exitCode}:\n${output}`)
  } catch (error) {
    await kill()
    throw error
  }
  return { url: /listening on (http:\S+)/.exec(output)![1]!, child, output: () => output, exited, kill }
}

/** Waits until GET /readyz answers 200. */
export async function ready(url: string, timeoutMs = 30_000): Promise<void> {
  await eventually(async () => (await fetch(`${url}/readyz`).catch(() => undefined))?.ok === true, timeoutMs, `${url}/readyz`)
}
