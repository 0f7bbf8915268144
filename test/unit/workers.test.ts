import { availableParallelism } from 'node:os'
import { describe, expect, it } from 'vitest'
import { ConfigError, loadConfig } from '../../server/config.ts'
import { RESTART_RESET_AFTER_MS, restartBackoff } from '../../server/fleet/backoff.ts'

describe('SLUICE_WORKERS', () => {
  it('is 1 unless set, a count when set, and one per core for "auto"', () => {
    expect(loadConfig({}).workers).toBe(1)
    expect(loadConfig({ SLUICE_WORKERS: '4' }).workers).toBe(4)
    expect(loadConfig({ SLUICE_WORKERS: 'auto' }).workers).toBe(availableParallelism())
  })

  it.each(['0', '-1', '2.5', 'two', 'all', '257'])('refuses %s, naming the variable', (raw) => {
    let error: unknown
    try {
      loadConfig({ SLUICE_WORKERS: raw })
    } catch (caught) {
      error = caught
    }
    expect(error).toBeInstanceOf(ConfigError)
    expect((error as ConfigError).variable).toBe('SLUICE_WORKERS')
  })
})

describe('restartBackoff', () => {
  it('doubles from 100 ms to 5 s while workers die young, and starts over after one lived 30 s', () => {
    const backoff = restartBackoff()
    const young = () => backoff.next(50)
    expect([young(), young(), young(), young(), young(), young(), young(), young()]).toEqual([100, 200, 400, 800, 1_600, 3_200, 5_000, 5_000])
    expect(backoff.next(RESTART_RESET_AFTER_MS)).toBe(100)
    expect(young()).toBe(200)
  })
})
