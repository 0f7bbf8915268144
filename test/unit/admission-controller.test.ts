import { describe, expect, it } from 'vitest'
import { AdmissionController } from '../../server/pipeline/admission.ts'

const WINDOW_MS = 50
const ARRIVALS = 100

/**
 * Drives the controller with `windows` windows of a busy loop `delayMs` late, in which
 * `accepted(fraction)` events are accepted of ARRIVALS requests; returns the fractions.
 */
function drive(controller: AdmissionController, windows: number, delayMs: number, accepted: (fraction: number) => number, from = 0) {
  const fractions: number[] = []
  const helds: boolean[] = []
  for (let i = 1; i <= windows; i++) {
    controller.step({ now: from + i * WINDOW_MS, windowMs: WINDOW_MS, delayMs, utilization: 1, arrivals: ARRIVALS, acceptedEvents: accepted(controller.fraction) })
    fractions.push(controller.fraction)
    helds.push(controller.gauges().held)
  }
  return { fractions, helds, last: fractions.at(-1)! }
}

describe('the adaptive admission controller', () => {
  it('sheds a growing share while the loop stays late and refusing costs little of what it accepts', () => {
    const controller = new AdmissionController('adaptive')
    // Big requests: refusing one frees far more than it costs, so accepted events hold up.
    const { last, helds } = drive(controller, 40, 80, () => ARRIVALS)
    expect(last).toBeGreaterThan(0.9)
    expect(helds.some(Boolean)).toBe(false)
    expect(controller.gauges()).toMatchObject({ mode: 'adaptive', shedding: true, held: false })
  })

  it('holds back when each refusal displaces an accept, at the same delay', () => {
    const controller = new AdmissionController('adaptive')
    // Small requests on a saturated loop: what is refused is what would have been served.
    const { fractions, helds } = drive(controller, 80, 80, (fraction) => ARRIVALS * (1 - fraction))
    expect(helds.some(Boolean)).toBe(true)
    // After the first climb, it never stays where it costs over a tenth of the accepted events.
    const settled = fractions.slice(40)
    expect(Math.max(...settled)).toBeLessThan(0.5)
    expect(settled.reduce((sum, f) => sum + f, 0) / settled.length).toBeLessThan(0.3)
    // It still sheds a little: the delay is real, and a trickle of refusals keeps measuring.
    expect(Math.min(...settled)).toBeGreaterThan(0)
  })

  it('stops shedding once the delay is under target', () => {
    const controller = new AdmissionController('adaptive')
    drive(controller, 40, 80, () => ARRIVALS)
    expect(controller.fraction).toBeGreaterThan(0.5)
    const { last } = drive(controller, 200, 1, () => ARRIVALS, 40 * WINDOW_MS)
    expect(last).toBe(0)
    expect(controller.gauges().shedding).toBe(false)
  })

  it('does not shed for a late loop that is mostly idle: the machine, not this process, is busy', () => {
    const controller = new AdmissionController('adaptive')
    for (let i = 1; i <= 40; i++) controller.step({ now: i * WINDOW_MS, windowMs: WINDOW_MS, delayMs: 80, utilization: 0.3, arrivals: ARRIVALS, acceptedEvents: ARRIVALS })
    expect(controller.fraction).toBe(0)
  })
})
