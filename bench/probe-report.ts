import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'

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

/** Where a node:cluster worker of the process measured into `file` writes its own report. */
export const workerProbeFile = (file: string, pid: number) => `${file}.worker-${pid}`

function readOne(file: string): ProbeReport | null {
  try {
    return JSON.parse(readFileSync(file, 'utf8')) as ProbeReport
  } catch {
    return null
  }
}

/**
 * The report, or null when the process died before writing it: unknown, not made up.
 * With node:cluster workers, the process is the primary and its workers together: memory
 * and CPU added up, the worst loop delay of any of them.
 */
export function readProbe(file: string): ProbeReport | null {
  const primary = readOne(file)
  const prefix = `${path.basename(file)}.worker-`
  const workers = readdirSync(path.dirname(file)).filter((name) => name.startsWith(prefix)).map((name) => readOne(path.join(path.dirname(file), name)))
  if (!primary || workers.length === 0) return primary
  if (workers.some((worker) => worker === null)) return null
  const all = [primary, ...(workers as ProbeReport[])]
  const windows = all.flatMap((report) => (report.window ? [report.window] : []))
  const sum = (figures: number[]) => Math.round(figures.reduce((total, figure) => total + figure, 0) * 100) / 100
  return {
    maxLoopDelayMs: Math.max(...all.map((report) => report.maxLoopDelayMs)),
    peakRssMb: sum(all.map((report) => report.peakRssMb)),
    cpuCores: sum(all.map((report) => report.cpuCores)),
    ...(windows.length === all.length && {
      window: {
        loopDelayP99Ms: Math.max(...windows.map((window) => window.loopDelayP99Ms)),
        loopDelayMaxMs: Math.max(...windows.map((window) => window.loopDelayMaxMs)),
        seconds: primary.window!.seconds,
      },
    }),
  }
}
