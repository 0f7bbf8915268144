import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { performance } from 'node:perf_hooks'
import type { CpuCores } from '../../shared/cpu.ts'

// A window shorter than this divides noise by almost nothing (two readings in one turn
// after a stall): the previous figures are given again and the window keeps growing.
const MIN_WINDOW_MS = 100

let ticksPerSecond: number | undefined
/** /proc counts CPU in clock ticks (USER_HZ): 100 on every Linux we run on, asked once to be sure. */
function clockTicks(): number {
  if (ticksPerSecond === undefined) {
    try {
      ticksPerSecond = Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100
    } catch {
      ticksPerSecond = 100
    }
  }
  return ticksPerSecond
}

/** Fields of /proc/<pid>/stat after the command name, which may hold spaces: index 0 is field 3 (state). */
function statFields(pid: number): string[] | undefined {
  try {
    const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
    return text.slice(text.lastIndexOf(')') + 2).split(' ')
  } catch {
    return undefined // gone, or no /proc
  }
}

// Field numbers of proc(5), shifted to statFields' index.
const PGRP = 5 - 3
const UTIME = 14 - 3
const STIME = 15 - 3
const CUTIME = 16 - 3
const CSTIME = 17 - 3

/** CPU seconds `pid` has used, or undefined when it is not there. */
export function processCpuSeconds(pid: number): number | undefined {
  const f = statFields(pid)
  return f ? (Number(f[UTIME]) + Number(f[STIME])) / clockTicks() : undefined
}

/** Pids whose parent is `pid`; from the kernel's children list, else by scanning its process group. */
function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(' ').filter(Boolean).map(Number)
  } catch {
    // Kernels without CONFIG_PROC_CHILDREN: the postmaster is spawned detached, so it leads its own group.
    const group: number[] = []
    for (const name of readdirSync('/proc')) {
      const other = Number(name)
      if (Number.isInteger(other) && other !== pid && statFields(other)?.[PGRP] === String(pid)) group.push(other)
    }
    return group
  }
}

/**
 * CPU seconds of a process and all it has started: its own time, the time of the
 * children it has already reaped (cutime, cstime) and that of the ones still running.
 * A backend that exits between two readings thus moves from one sum to the other
 * instead of vanishing. Only direct children are counted, which for PostgreSQL is all.
 */
export function treeCpuSeconds(pid: number): number | undefined {
  const own = statFields(pid)
  if (!own) return undefined
  let ticks = Number(own[UTIME]) + Number(own[STIME]) + Number(own[CUTIME]) + Number(own[CSTIME])
  for (const child of childrenOf(pid)) {
    const f = statFields(child)
    if (f) ticks += Number(f[UTIME]) + Number(f[STIME])
  }
  return ticks / clockTicks()
}

export interface CpuSamplerOptions {
  /** The embedded PostgreSQL's postmaster; none for an external database. */
  readonly databasePid?: number | undefined
  /** The running burst's generator process, asked at each sample; undefined when none runs. */
  readonly generatorPid?: () => number | undefined
}

export interface CpuSampler {
  /** Cores used since the previous call (or since the sampler was made). */
  sample(): CpuCores
}

/**
 * CPU of the server, its database and the load generator, as cores over the window
 * since the last sample. Each caller keeps its own sampler: windows are per sampler.
 */
export function cpuSampler({ databasePid, generatorPid }: CpuSamplerOptions = {}): CpuSampler {
  let at = performance.now()
  let server = process.cpuUsage()
  let database = databasePid === undefined ? undefined : treeCpuSeconds(databasePid)
  let generator: { pid: number; seconds: number } | undefined
  let last: CpuCores = { server: 0, database: databasePid === undefined ? null : 0, generator: null }

  const readGenerator = () => {
    const pid = generatorPid?.()
    const seconds = pid === undefined ? undefined : processCpuSeconds(pid)
    return pid === undefined || seconds === undefined ? undefined : { pid, seconds }
  }
  generator = readGenerator()

  return {
    sample() {
      const now = performance.now()
      const windowS = (now - at) / 1000
      if (windowS * 1000 < MIN_WINDOW_MS) return last
      const serverNow = process.cpuUsage()
      const databaseNow = databasePid === undefined ? undefined : treeCpuSeconds(databasePid)
      const generatorNow = readGenerator()
      const cores = (seconds: number) => Math.round(Math.max(0, seconds / windowS) * 1000) / 1000
      last = {
        server: cores((serverNow.user - server.user + serverNow.system - server.system) / 1e6),
        database: databaseNow === undefined || database === undefined ? null : cores(databaseNow - database),
        // A generator started within the window used all its CPU in it.
        generator: generatorNow === undefined ? null : cores(generatorNow.seconds - (generator?.pid === generatorNow.pid ? generator.seconds : 0)),
      }
      at = now
      server = serverNow
      database = databaseNow
      generator = generatorNow
      return last
    },
  }
}
