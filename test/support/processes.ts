import { readdirSync, readFileSync, readlinkSync, realpathSync } from 'node:fs'
import { eventually } from './sluice.ts'

/** /proc/<pid>/stat's state and parent; comm may hold spaces and parentheses, so cut after the last ')'. */
function stat(pid: number): { state: string; ppid: number } | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ').at(-1)!.split(' ')
    return { state: fields[0]!, ppid: Number(fields[1]) }
  } catch {
    return undefined
  }
}

/**
 * Whether `pid` is still running. A zombie is not: it has exited and only waits for a
 * parent (after re-parenting, whatever init this machine has) to collect its status.
 */
export function isRunning(pid: number): boolean {
  const state = stat(pid)?.state
  return state !== undefined && state !== 'Z' && state !== 'X'
}

/** Running node processes below `pid` whose command line contains `script`. */
export function nodesBelow(pid: number, script: string): number[] {
  const parents = new Map<number, number>()
  for (const name of readdirSync('/proc')) {
    const child = Number(name)
    const info = Number.isInteger(child) ? stat(child) : undefined
    if (info) parents.set(child, info.ppid)
  }
  const below = (child: number): boolean => {
    for (let p = parents.get(child); p !== undefined && p > 1; p = parents.get(p)) if (p === pid) return true
    return false
  }
  return [...parents.keys()].filter((child) => below(child) && isRunning(child) && isNode(child) && cmdline(child).includes(script))
}

const NODE = realpathSync(process.execPath)

// By executable, not by command line: `sh -c "node server/main.ts"` names the script too.
function isNode(pid: number): boolean {
  try {
    return readlinkSync(`/proc/${pid}/exe`) === NODE
  } catch {
    return false
  }
}

function cmdline(pid: number): string {
  try {
    return readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ')
  } catch {
    return ''
  }
}

/** Waits (with a deadline) until `pid` has exited. */
export function exited(pid: number, timeoutMs: number, what: string): Promise<void> {
  return eventually(() => !isRunning(pid), timeoutMs, `${what} (pid ${pid}) to exit`)
}
