/**
 * Preloaded (`node --import`) into every process the bench measures, so all of them are
 * measured the same way and from inside: the longest event-loop delay, the peak RSS and
 * the CPU used, written as JSON to BENCH_PROBE_FILE when the process exits.
 *
 * The first SIGUSR2 starts the measured window (delay histogram and CPU time): the harness
 * sends it after the warm-up, so module loading and JIT warm-up are not reported as lag
 * under load. A second SIGUSR2, sent when the load stops, closes the window for the loop
 * delay's p99 and max, so the drain after SIGTERM is not in them.
 */
import cluster from 'node:cluster'
import { writeFileSync } from 'node:fs'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { cpuCores, workerProbeFile, type LoopWindow, type ProbeReport } from './probe-report.ts'

// 10 ms sampling: finer would add timer wake-ups to the very loop being measured.
const RESOLUTION_MS = 10

// A node:cluster worker inherits the preload and the variable: it reports beside the
// primary's file, and readProbe adds the workers up (bench/probe-report.ts).
const file = process.env.BENCH_PROBE_FILE && (cluster.isWorker ? workerProbeFile(process.env.BENCH_PROBE_FILE, process.pid) : process.env.BENCH_PROBE_FILE)
if (file) {
  const delay = monitorEventLoopDelay({ resolution: RESOLUTION_MS })
  delay.enable()
  let mark = { cpu: process.cpuUsage(), at: performance.now() }
  let marks = 0
  let window: LoopWindow | undefined
  process.on('SIGUSR2', () => {
    // The harness signals the primary; its workers are measured over the same window.
    for (const worker of Object.values(cluster.workers ?? {})) worker?.process.kill('SIGUSR2')
    if (marks++ === 0) {
      delay.reset()
      mark = { cpu: process.cpuUsage(), at: performance.now() }
      return
    }
    // The histogram holds the time between two firings of its timer, the interval itself
    // included (an idle loop reads ~10 ms): what lies beyond the interval is the delay.
    const late = (ns: number) => Math.max(0, Math.round((ns / 1e6 - RESOLUTION_MS) * 100) / 100)
    window ??= { loopDelayP99Ms: late(delay.percentile(99)), loopDelayMaxMs: late(delay.max), seconds: Math.round(performance.now() - mark.at) / 1000 }
  })
  // A process with no SIGTERM handler of its own would die without an 'exit' event, and
  // without its report; one that has a handler (Sluice drains) decides when to exit.
  process.on('SIGTERM', () => {
    if (process.listenerCount('SIGTERM') === 1) process.exit(0)
  })
  process.on('exit', () => {
    const report: ProbeReport = {
      maxLoopDelayMs: delay.max / 1e6,
      // maxRSS is the kernel's high-water mark in KiB: no peak between samples is missed.
      peakRssMb: process.resourceUsage().maxRSS / 1024,
      cpuCores: cpuCores(process.cpuUsage(mark.cpu), performance.now() - mark.at),
      ...(window && { window }),
    }
    writeFileSync(file, JSON.stringify(report))
  })
}
