import { describe, expect, it } from 'vitest'
import { InvalidValue } from '../../shared/knobs.ts'
import { checkLoadPatch } from '../../shared/load-patch.ts'

const caps = { maxRate: 1_000, maxConnections: 50, maxDurationMs: 60_000 }

/** The field a refused patch names. */
function refused(input: unknown, model: 'open' | 'closed'): string | null {
  try {
    checkLoadPatch(input, model, caps)
  } catch (error) {
    if (error instanceof InvalidValue) return error.field
    throw error
  }
  throw new Error(`${JSON.stringify(input)} was accepted`)
}

describe('the load patch check (server and dashboard)', () => {
  it('takes a rate for an open burst, fractions included, and whole connections for a closed one, within the caps', () => {
    expect(checkLoadPatch({ rate: 12.5 }, 'open', caps)).toBe(12.5)
    expect(checkLoadPatch({ rate: 0 }, 'open', caps)).toBe(0)
    expect(checkLoadPatch({ connections: 50 }, 'closed', caps)).toBe(50)
  })

  it('names the field it refuses', () => {
    expect(refused({ rate: 1_001 }, 'open')).toBe('rate')
    expect(refused({ rate: -1 }, 'open')).toBe('rate')
    expect(refused({ rate: Number.NaN }, 'open')).toBe('rate')
    expect(refused({ connections: 5 }, 'open')).toBe('connections')
    expect(refused({ connections: 2.5 }, 'closed')).toBe('connections')
    expect(refused({ rate: 5 }, 'closed')).toBe('rate')
    expect(refused({ users: 5 }, 'closed')).toBe('users')
    expect(refused({}, 'closed')).toBe('connections')
    expect(refused(null, 'open')).toBeNull()
  })
})
