import { readFileSync } from 'node:fs'

/** Event-loop delay from the window's start to the load's end (the second SIGUSR2). */
export interface LoopWindow {
  /** Delay beyond the probe's 10 ms interval, which maxLoopDelayMs still includes. */
  readonly loopDelayP99Ms: number
  readonly loopDelayMaxMs: number
  readonly seconds: number
}

/** What bench/probe.ts writes when a measured process exits. */
export interface ProbeReport {
  /** From the window's start to exit, the probe's 10 ms interval included. */
  readonly maxLoopDelayMs: number
  readonly peakRssMb: number
  /** Cores the process kept busy from the start of the measured window to its exit. */
  readonly cpuCores: number
  /** Only when the harness closed the window. */
  readonly window?: LoopWindow
}

/** Average cores used: CPU time (process.cpuUsage, µs) over wall time (ms). */
export function cpuCores(usage: NodeJS.CpuUsage, wallMs: number): number {
  return wallMs > 0 ? Math.round(((usage.user + usage.system) / 1000 / wallMs) * 100) / 100 : 0
}

/** The report, or null when the process died before writing it: unknown, not made up. */
export function readProbe(file: string): ProbeReport | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ProbeReport
  } catch {
    return null
  }
}
