import { describe, expect, it } from 'vitest'
import { AdmissionController } from '../../server/pipeline/admission.ts'

const WINDOW_MS = 50
const ARRIVALS = 100

/** What a window shows when the controller refuses `fraction`: the delay and the events accepted. */
type Model = (fraction: number) => { delayMs: number; acceptedEvents: number }

/** Drives the controller through `windows` busy windows of `model`; returns what it refused and whether it held. */
function drive(controller: AdmissionController, windows: number, model: Model, from = 0) {
  const fractions: number[] = []
  const helds: boolean[] = []
  for (let i = 1; i <= windows; i++) {
    controller.step({ now: from + i * WINDOW_MS, windowMs: WINDOW_MS, utilization: 1, arrivals: ARRIVALS, ...model(controller.fraction) })
    fractions.push(controller.fraction)
    helds.push(controller.gauges().held)
  }
  const settled = fractions.slice(windows / 2)
  return { fractions, helds, last: fractions.at(-1)!, mean: settled.reduce((sum, f) => sum + f, 0) / settled.length, max: Math.max(...settled), min: Math.min(...settled) }
}

// Big requests on a saturated loop: a refusal costs next to nothing, so refusing a share
// takes that share of the work (and of the delay) away, and what is accepted holds up.
const cheapRefusals: Model = (fraction) => ({ delayMs: 80 * (1 - fraction), acceptedEvents: ARRIVALS * 10 })
// Small requests from clients that send again at once: a refusal costs what serving does,
// so the delay does not move and every refusal takes the place of an accept.
const costlyRefusals: Model = (fraction) => ({ delayMs: 80, acceptedEvents: ARRIVALS * (1 - fraction) })
// Refusals that free the loop, for clients that never send the refused work again: the
// delay falls, and so do the events accepted.
const lostWork: Model = (fraction) => ({ delayMs: 80 * (1 - fraction), acceptedEvents: ARRIVALS * (1 - fraction) })
// A loop late for a reason refusing does not touch (the machine's other processes),
// while the events accepted hold up.
const unmovedDelay: Model = () => ({ delayMs: 80, acceptedEvents: ARRIVALS })

describe('the adaptive admission controller', () => {
  it('sheds the share that brings the delay to its target when refusing costs little', () => {
    const controller = new AdmissionController('adaptive')
    const { mean, min, helds } = drive(controller, 120, cheapRefusals)
    // 80 ms at none refused, 20 ms (the target) at three quarters.
    expect(mean).toBeGreaterThan(0.6)
    expect(min).toBeGreaterThan(0.5)
    expect(helds.some(Boolean)).toBe(false)
    expect(controller.gauges()).toMatchObject({ mode: 'adaptive', shedding: true, held: false })
  })

  it.each([
    ['each refusal displaces an accept', costlyRefusals],
    ['refusing costs over a tenth of the events accepted, though the delay falls', lostWork],
    ['refusing does not bring the delay down, though it costs nothing', unmovedDelay],
  ])('holds back when %s', (_, model) => {
    const controller = new AdmissionController('adaptive')
    const { helds, max, mean, min } = drive(controller, 120, model)
    expect(helds.some(Boolean)).toBe(true)
    expect(max).toBeLessThan(0.35)
    expect(mean).toBeLessThan(0.2)
    // It still sheds a little: the delay is real, and a trickle of refusals keeps measuring.
    expect(min).toBeGreaterThan(0)
  })

  it('stops shedding once the delay is under target', () => {
    const controller = new AdmissionController('adaptive')
    drive(controller, 60, cheapRefusals)
    expect(controller.fraction).toBeGreaterThan(0.5)
    const { last } = drive(controller, 200, () => ({ delayMs: 1, acceptedEvents: ARRIVALS }), 60 * WINDOW_MS)
    expect(last).toBe(0)
    expect(controller.gauges().shedding).toBe(false)
  })

  it('does not shed for a late loop that is mostly idle: the machine, not this process, is busy', () => {
    const controller = new AdmissionController('adaptive')
    for (let i = 1; i <= 40; i++) controller.step({ now: i * WINDOW_MS, windowMs: WINDOW_MS, delayMs: 80, utilization: 0.3, arrivals: ARRIVALS, acceptedEvents: ARRIVALS })
    expect(controller.fraction).toBe(0)
  })
})
