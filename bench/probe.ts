/**
 * Preloaded (`node --import`) into every process the bench measures, so all of them are
 * measured the same way and from inside: the longest event-loop delay, the peak RSS and
 * the CPU used, written as JSON to BENCH_PROBE_FILE when the process exits.
 *
 * SIGUSR2 starts the measured window (delay histogram and CPU time): the harness sends it
 * after the warm-up, so module loading and JIT warm-up are not reported as lag under load.
 */
import { writeFileSync } from 'node:fs'
import { monitorEventLoopDelay } from 'node:perf_hooks'
import { cpuCores, type ProbeReport } from './probe-report.ts'

const file = process.env.BENCH_PROBE_FILE
if (file) {
  // 10 ms sampling: finer would add timer wake-ups to the very loop being measured.
  const delay = monitorEventLoopDelay({ resolution: 10 })
  delay.enable()
  let mark = { cpu: process.cpuUsage(), at: performance.now() }
  process.on('SIGUSR2', () => {
    delay.reset()
    mark = { cpu: process.cpuUsage(), at: performance.now() }
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
    }
    writeFileSync(file, JSON.stringify(report))
  })
}
