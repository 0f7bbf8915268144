/**
 * `npm run dev`: the Sluice server and Vite's dev server together. Vite proxies /api, /v1
 * and the probes to the server, whose URL is read from its "listening" line, so PORT=0
 * works too. Ctrl-C stops both; either one exiting stops the other.
 */
import { spawn, type ChildProcess } from 'node:child_process'
import { createInterface } from 'node:readline'
import { fileURLToPath } from 'node:url'

const root = fileURLToPath(new URL('..', import.meta.url))
const children: ChildProcess[] = []

function stopAll(code: number): void {
  for (const child of children) if (child.exitCode === null) child.kill('SIGTERM')
  process.exitCode = code
}

const server = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], { cwd: root, stdio: ['ignore', 'pipe', 'inherit'] })
children.push(server)
server.on('exit', (code) => stopAll(code ?? 1))

const lines = createInterface({ input: server.stdout! })
lines.on('line', (line) => {
  console.log(`[server] ${line}`)
  const url = /sluice listening on (http:\/\/\S+)/.exec(line)?.[1]
  if (!url || children.length > 1) return
  const vite = spawn(process.execPath, ['node_modules/vite/bin/vite.js', '--config', 'web/vite.config.ts'], {
    cwd: root,
    stdio: 'inherit',
    env: { ...process.env, SLUICE_DEV_TARGET: url },
  })
  children.push(vite)
  vite.on('exit', (code) => stopAll(code ?? 1))
})

// The server drains its queue on SIGTERM; npm relays Ctrl-C to us as well as to the group.
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => stopAll(0))
