/**
 * Where the two cores went during a measured window, from /proc (Linux only; null
 * elsewhere): the whole machine, and the embedded PostgreSQL with all its backends.
 * On a shared 2-core machine a ratio means little without knowing who else was busy.
 */
import { readFileSync } from 'node:fs'

// USER_HZ: 100 on every Linux this bench runs on (getconf CLK_TCK).
const TICKS_PER_S = 100

export interface CpuSnapshot {
  readonly at: number
  /** Busy and total CPU seconds over all cores since boot. */
  readonly machineBusyS: number
  readonly machineTotalS: number
  /** CPU seconds of the postmaster, its reaped children and its live backends. */
  readonly postgresS: number | null
}

function ticks(fields: readonly string[], from: number, to: number): number {
  let sum = 0
  for (let i = from; i <= to; i++) sum += Number(fields[i] ?? 0)
  return sum
}

/** `/proc/<pid>/stat` fields after the `(comm)`, which may itself contain spaces. */
function statFields(pid: number): string[] {
  const text = readFileSync(`/proc/${pid}/stat`, 'utf8')
  return text.slice(text.lastIndexOf(')') + 2).split(' ')
}

function postgresSeconds(postmaster: number): number {
  // utime, stime, cutime, cstime are fields 14-17 of stat, 11-14 after `(comm)` (0-based).
  let total = ticks(statFields(postmaster), 11, 14)
  const children = readFileSync(`/proc/${postmaster}/task/${postmaster}/children`, 'utf8').trim()
  for (const pid of children ? children.split(' ') : []) {
    try {
      total += ticks(statFields(Number(pid)), 11, 12)
    } catch {
      // a backend that exited between the listing and the read: its time is in cutime now
    }
  }
  return total / TICKS_PER_S
}

export function cpuSnapshot(postmasterPid: number | undefined): CpuSnapshot | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1)
    // user nice system idle iowait irq softirq steal: idle and iowait are not busy.
    const total = ticks(fields, 0, 7)
    const idle = ticks(fields, 3, 4)
    return {
      at: performance.now(),
      machineBusyS: (total - idle) / TICKS_PER_S,
      machineTotalS: total / TICKS_PER_S,
      postgresS: postmasterPid === undefined ? null : postgresSeconds(postmasterPid),
    }
  } catch {
    return null
  }
}

export interface CpuUse {
  /** Cores busy on average (2.0 = both cores the whole window), by anyone. */
  readonly machine_busy_cores: number
  readonly postgres_cores: number | null
}

export function cpuUse(from: CpuSnapshot | null, to: CpuSnapshot | null): CpuUse | null {
  if (!from || !to) return null
  const wallS = (to.at - from.at) / 1000
  const round = (value: number) => Math.round(value * 100) / 100
  return {
    machine_busy_cores: round((to.machineBusyS - from.machineBusyS) / wallS),
    postgres_cores: from.postgresS === null || to.postgresS === null ? null : round((to.postgresS - from.postgresS) / wallS),
  }
}

/** Cores busy on average over the measured window, by whom. */
export interface CpuDetail extends Partial<CpuUse> {
  readonly server_cores?: number | null
  readonly copy_loop_cores?: number | null
  readonly load_generator_cores?: number
  /**
   * Busy cores that were none of ours (server, load, PostgreSQL): other work on the
   * machine, the kernel's softirq time, the harness. Well above zero means noisy figures.
   */
  readonly other_cores?: number | null
}

type OwnCores = Pick<CpuDetail, 'server_cores' | 'copy_loop_cores' | 'load_generator_cores'>

export function cpuDetail(own: OwnCores, use: CpuUse | null): CpuDetail {
  if (!use) return own
  const ours = (own.server_cores ?? 0) + (own.copy_loop_cores ?? 0) + (own.load_generator_cores ?? 0) + (use.postgres_cores ?? 0)
  const other = use.postgres_cores === null ? null : Math.max(0, Math.round((use.machine_busy_cores - ours) * 100) / 100)
  return { ...own, ...use, other_cores: other }
}
