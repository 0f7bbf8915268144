import type { BurstBody, RequestKind } from '../../shared/bursts.ts'

const MiB = 1024 * 1024

export interface RequestBody {
  readonly contentType: string
  readonly bytes: Buffer
}

const CONTENT_TYPES = { json: 'application/json', ndjson: 'application/x-ndjson' } as const

function event(seq: number, bytes: number): string {
  const bare = JSON.stringify({ type: 'burst', seq, pad: '' })
  return JSON.stringify({ type: 'burst', seq, pad: 'x'.repeat(Math.max(0, bytes - bare.length)) })
}

function normalBody({ eventsPerRequest, eventBytes, format }: BurstBody): RequestBody {
  const events = Array.from({ length: eventsPerRequest }, (_, seq) => event(seq, eventBytes))
  const text = format === 'ndjson' ? `${events.join('\n')}\n` : eventsPerRequest === 1 ? events[0]! : `[${events.join(',')}]`
  return { contentType: CONTENT_TYPES[format], bytes: Buffer.from(text) }
}

/**
 * Valid NDJSON of ordinary 1 KiB events, `mib` MiB and one line more: the smallest is
 * over the default 1 MiB body limit by 1 KiB, so it tests the boundary; with the limit
 * raised these are accepted like any other body.
 */
function oversizedBody(mib: number): RequestBody {
  const line = `${event(0, 1023)}\n`
  return { contentType: CONTENT_TYPES.ndjson, bytes: Buffer.from(line.repeat(Math.floor((mib * MiB) / line.length) + 1)) }
}

/**
 * The bodies of a burst, built once per generator and reused for every request: the
 * generator's CPU goes to sending, not to serialising.
 */
export function bodyFactory(body: BurstBody): (kind: RequestKind) => RequestBody {
  const normal = normalBody(body)
  // Cut before the closing brace: invalid JSON whatever the format.
  const malformed = { contentType: normal.contentType, bytes: normal.bytes.subarray(0, Math.max(1, normal.bytes.length - 2)) }
  const oversized = new Map<number, RequestBody>()
  const big = (mib: number) => {
    let built = oversized.get(mib)
    if (!built) oversized.set(mib, (built = oversizedBody(mib)))
    return built
  }
  return function bodyFor(kind: RequestKind): RequestBody {
    switch (kind) {
      case 'oversized_1mb':
        return big(1)
      case 'oversized_5mb':
        return big(5)
      case 'oversized_20mb':
        return big(20)
      case 'malformed':
        return malformed
      case 'normal':
      case 'slow_drip':
      case 'disconnect':
        return normal
    }
  }
}
