import { requestTimeout } from '../errors.ts'
import { BodyRefusal } from './body.ts'

/**
 * Stalled requests together may hold at most this share of the inflight slots and bytes:
 * the rest is always there for requests whose bodies are arriving. All clients in a test
 * (and behind one proxy) share an address, so a per-address share alone could not keep a
 * door open for them: this one can.
 */
export const STALLED_SHARE = 0.5
/** One client address's stalled requests may hold at most this share of the inflight bytes. */
export const CLIENT_STALLED_BYTES_SHARE = 1 / 8
/** How often bodies are checked, as Kestrel's heartbeat checks its data rates once a second. */
const CHECK_MS = 250

export interface BodyWatchOptions {
  /** Bytes/s averaged since the body started, enforced once `graceMs` have passed (0: none). */
  readonly minRate: number
  readonly graceMs: number
  /** No bytes for this long: stalled. */
  readonly stallMs: number
  readonly maxStalledPerClient: number
  /** The live inflight caps the stalled shares are taken of. */
  readonly caps: () => { readonly maxInflight: number; readonly maxInflightBytes: number }
}

/** One body being read: `refusal` fires with a 408 when it is too slow or stalls over its share. */
export interface WatchedBody {
  readonly refusal: BodyRefusal
  /** Bytes of the body came in from the wire. */
  arrived(bytes: number): void
  /** The body is complete, or the request is over: stops watching. Safe to call twice. */
  end(): void
}

interface Reader {
  readonly client: string
  readonly started: number
  readonly refusal: BodyRefusal
  lastByte: number
  bytes: number
  stalled: boolean
}

interface Held {
  requests: number
  bytes: number
}

/**
 * Fair reading of request bodies, in the manner of Kestrel's MinRequestBodyDataRate and
 * nginx's per-read client_body_timeout: a body must average `minRate` after a grace
 * period, and a body that stops is "stalled" and counts against two shares (its client's,
 * and all stalled requests' half of the caps). A request that would go over either is
 * refused with 408 at once, which frees its slot: stalled clients cannot hold the slots
 * that requests making progress need. A stalled body that moves again leaves the shares.
 */
export class BodyWatch {
  readonly #options: BodyWatchOptions
  readonly #readers = new Set<Reader>()
  readonly #stalledBy = new Map<string, Held>()
  readonly #stalled: Held = { requests: 0, bytes: 0 }
  #timer: NodeJS.Timeout | undefined

  constructor(options: BodyWatchOptions) {
    this.#options = options
  }

  /** Stalled requests and the bytes they hold, over all clients. */
  get stalled(): Readonly<Held> {
    return this.#stalled
  }

  watch(client: string): WatchedBody {
    const now = performance.now()
    const reader: Reader = { client, started: now, lastByte: now, bytes: 0, stalled: false, refusal: new BodyRefusal() }
    this.#readers.add(reader)
    // The timer runs only while some body is being read, so an idle server has none.
    this.#timer ??= setInterval(() => this.#check(), CHECK_MS).unref()
    return {
      refusal: reader.refusal,
      arrived: (bytes) => {
        // Leaves the shares with the bytes it stalled with, before counting the new ones.
        if (reader.stalled) this.#unstall(reader)
        reader.bytes += bytes
        reader.lastByte = performance.now()
      },
      end: () => this.#forget(reader),
    }
  }

  #check(): void {
    const { minRate, graceMs, stallMs } = this.#options
    const now = performance.now()
    for (const reader of this.#readers) {
      const elapsed = now - reader.started
      if (minRate > 0 && elapsed >= graceMs && (reader.bytes * 1000) / elapsed < minRate) {
        const rate = Math.round((reader.bytes * 1000) / elapsed)
        this.#refuse(reader, requestTimeout(graceMs, `the body arrived at ${rate} bytes/s, under the minimum of ${minRate} bytes/s`))
      } else if (!reader.stalled && now - reader.lastByte >= stallMs) {
        this.#stall(reader)
      }
    }
  }

  #stall(reader: Reader): void {
    const { maxInflight, maxInflightBytes } = this.#options.caps()
    const held = this.#stalledBy.get(reader.client) ?? { requests: 0, bytes: 0 }
    const over =
      held.requests + 1 > this.#options.maxStalledPerClient ||
      held.bytes + reader.bytes > maxInflightBytes * CLIENT_STALLED_BYTES_SHARE ||
      this.#stalled.requests + 1 > maxInflight * STALLED_SHARE ||
      this.#stalled.bytes + reader.bytes > maxInflightBytes * STALLED_SHARE
    if (over) {
      this.#refuse(reader, requestTimeout(this.#options.stallMs, `no body bytes for ${this.#options.stallMs} ms, and stalled requests already hold their share`))
      return
    }
    reader.stalled = true
    held.requests++
    held.bytes += reader.bytes
    this.#stalledBy.set(reader.client, held)
    this.#stalled.requests++
    this.#stalled.bytes += reader.bytes
  }

  #unstall(reader: Reader): void {
    reader.stalled = false
    const held = this.#stalledBy.get(reader.client)!
    held.requests--
    held.bytes -= reader.bytes
    this.#stalled.requests--
    this.#stalled.bytes -= reader.bytes
    if (held.requests === 0) this.#stalledBy.delete(reader.client)
  }

  #refuse(reader: Reader, error: Error): void {
    this.#forget(reader)
    reader.refusal.refuse(error)
  }

  #forget(reader: Reader): void {
    if (!this.#readers.delete(reader)) return
    if (reader.stalled) this.#unstall(reader)
    if (this.#readers.size === 0) {
      clearInterval(this.#timer)
      this.#timer = undefined
    }
  }
}
