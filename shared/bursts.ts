/**
 * Wire vocabulary of load bursts, shared by the server (generator, control API), the
 * dashboard and the CLI. Times are milliseconds; rates are requests per second.
 */
import type { LiveConfig } from './config.ts'
import type { CpuCores } from './cpu.ts'

/** closed: N connections, each sends when its last answer arrived. open: a target arrival rate. */
export const BURST_MODELS = ['closed', 'open'] as const
export type BurstModel = (typeof BURST_MODELS)[number]

export const BURST_SHAPE_KINDS = ['steady', 'ramp', 'step', 'spike'] as const
export type BurstShapeKind = (typeof BURST_SHAPE_KINDS)[number]

/**
 * How the level (connections for `closed`, requests per second for `open`) moves over
 * the burst. `step` spends an equal share of the duration at each level, in order.
 */
export type BurstShape =
  | { readonly kind: 'steady'; readonly level: number }
  | { readonly kind: 'ramp'; readonly from: number; readonly to: number }
  | { readonly kind: 'step'; readonly levels: readonly number[] }
  | { readonly kind: 'spike'; readonly base: number; readonly peak: number; readonly atMs: number; readonly forMs: number }

export const BODY_FORMATS = ['json', 'ndjson'] as const
export type BodyFormat = (typeof BODY_FORMATS)[number]

export interface BurstBody {
  readonly eventsPerRequest: number
  /** Approximate size of one serialised event. */
  readonly eventBytes: number
  /** `json` sends an array (one object when eventsPerRequest is 1); `ndjson` one object per line. */
  readonly format: BodyFormat
}

/**
 * What a request of the burst is. `normal` is the good traffic described by `body`; the
 * others are bad traffic: bodies just over 1, 5 and 20 MiB, malformed JSON, a body sent
 * in slow drips over `dripMs`, and a client that hangs up halfway through its body.
 */
export const REQUEST_KINDS = ['normal', 'oversized_1mb', 'oversized_5mb', 'oversized_20mb', 'malformed', 'slow_drip', 'disconnect'] as const
export type RequestKind = (typeof REQUEST_KINDS)[number]
export type BadKind = Exclude<RequestKind, 'normal'>
export const BAD_KINDS = REQUEST_KINDS.filter((kind): kind is BadKind => kind !== 'normal')

/** Live knobs a burst may set for its run; the previous values come back when it ends. */
/** Live knobs a burst sets for its run and puts back afterwards (any of PATCH /api/config's). */
export type BurstKnobs = Readonly<Partial<LiveConfig>>

export interface BurstSpec {
  readonly model: BurstModel
  readonly shape: BurstShape
  readonly durationMs: number
  readonly body: BurstBody
  /** Share (0..1) of requests of each bad kind; the rest is normal. Shares add up to at most 1. */
  readonly bad?: Readonly<Partial<Record<BadKind, number>>>
  /** How long a slow-drip body takes to send. */
  readonly dripMs?: number
  /** `commit` sends `?wait=commit`: answers come once the rows are committed. */
  readonly ack?: 'queued' | 'commit'
  readonly knobs?: BurstKnobs
}

/**
 * One arm of a comparison: the preset's load run again with these knobs (and, when set,
 * this bad-traffic mix instead of the preset's), so the difference is measured.
 */
export interface BurstVariant {
  readonly label: string
  readonly knobs: BurstKnobs
  readonly bad?: BurstSpec['bad']
}

/** A comparison has this many arms at least and at most (each is a whole run). */
export const MIN_VARIANTS = 2
export const MAX_VARIANTS = 6

export interface BurstPreset {
  readonly name: string
  readonly title: string
  /** One or two lines: what to look at on the dashboard while it runs. */
  readonly watch: string
  readonly spec: BurstSpec
  /** A comparison: the same load once per variant, one after another, each its own run. */
  readonly variants?: readonly BurstVariant[]
}

/** Client-side latency in milliseconds (HDR histogram, 3 significant digits). */
export interface LatencyStats {
  readonly count: number
  readonly p50: number
  readonly p90: number
  /** Absent in runs recorded before it was measured. */
  readonly p95?: number
  readonly p99: number
  /** p99.9; absent in runs recorded before it was measured. */
  readonly p999?: number
  readonly max: number
}

/** Requests that got no HTTP answer, by why. An intended hang-up (`disconnect`) is not an error. */
export const BURST_ERROR_KINDS = ['connect', 'reset', 'timeout', 'other'] as const
export type BurstErrorKind = (typeof BURST_ERROR_KINDS)[number]

/** Status code ("202", "429"...) to count. */
export type StatusCounts = Readonly<Record<string, number>>

/**
 * One window of a burst as the generator saw it (a tick, or one second of the series).
 * Latency covers answered `normal` requests, measured from the intended send time.
 */
export interface BurstWindow {
  /** End of the window, ms since the burst started. */
  readonly t: number
  readonly durationMs: number
  /** The shape's level at the end of the window: connections (closed) or requests/s (open). */
  readonly target: number
  /** Requests the schedule asked for, per second (open); requests started, per second (closed). */
  readonly offeredRate: number
  /** Requests actually started, per second. */
  readonly sentRate: number
  /** Requests answered (any status), per second. */
  readonly achievedRate: number
  /** 2xx answers per second. */
  readonly okRate: number
  readonly inflight: number
  readonly statuses: StatusCounts
  readonly errors: Readonly<Partial<Record<BurstErrorKind, number>>>
  /** Sends that left more than LATE_SEND_MS after their intended time: the generator or its connection cap could not keep up. */
  readonly late: number
  /** Sends dropped because they fell more than SKIP_SEND_MS behind, or the burst ended first. */
  readonly skipped: number
  readonly latency: LatencyStats
}

/** The server's own vital signs over a window, read in the server process. */
export interface ServerVitals {
  readonly rssBytes: number
  readonly loopDelayMaxMs: number
}

/**
 * One second of a run. Every second from the start has its row, even one in which the
 * server was stalled: its loop delay is then the stall that covered it, never 0.
 */
export type BurstSeriesPoint = BurstWindow & ServerVitals & {
  /** Server and database as the server read them; generator as the generator read itself. */
  readonly cpu: CpuCores
  /** Inside the warm-up: charted, but not in the summary's figures. */
  readonly warmup: boolean
}

export const BURST_STATUSES = ['running', 'finished', 'stopped', 'failed'] as const
export type BurstStatus = (typeof BURST_STATUSES)[number]

export interface KindTotals {
  readonly sent: number
  readonly statuses: StatusCounts
}

export interface BurstSummary {
  readonly id: string
  /** Preset name, or "custom". */
  readonly name: string
  readonly status: BurstStatus
  readonly model: BurstModel
  /** Epoch ms. */
  readonly startedAt: number
  readonly endedAt: number | null
  readonly durationMs: number
  readonly requests: {
    /** Sends the schedule asked for (open) or that were started (closed). */
    readonly intended: number
    readonly sent: number
    readonly answered: number
    readonly late: number
    readonly skipped: number
  }
  readonly byKind: Readonly<Partial<Record<RequestKind, KindTotals>>>
  readonly statuses: StatusCounts
  readonly errors: Readonly<Partial<Record<BurstErrorKind, number>>>
  /** Events in 2xx-answered normal requests. */
  readonly eventsAccepted: number
  readonly rates: { readonly offered: number; readonly sent: number; readonly achieved: number; readonly ok: number }
  readonly latency: LatencyStats
  /** The server's own figures over the run: counter deltas, peak RSS, worst event-loop delay. */
  readonly server: {
    readonly requestsByStatus: StatusCounts
    readonly rejectedByReason: Readonly<Record<string, number>>
    readonly eventsAccepted: number
    readonly peakRssBytes: number
    readonly maxLoopDelayMs: number
    /** Highest V8 heap used over the run (parsed events live here; Buffers do not). */
    readonly peakHeapBytes: number
    /** RSS when the run started: a peak is read against it, since RSS freed by an earlier run may not have gone back. */
    readonly rssBeforeBytes: number
    /** RSS and heap used once the run had ended and its requests settled. */
    readonly rssAfterBytes: number
    readonly heapAfterBytes: number
  }
  /** Every live knob in force during the run (the burst's own knobs applied). */
  readonly knobs: LiveConfig
  /** The comparison this run is one arm of (shared by its sibling runs), if any. */
  readonly group?: string
  /** This run's variant label within its group, and every label of the group in order. */
  readonly variant?: string
  readonly variants?: readonly string[]
  /** True when the generator fell behind its schedule (late or skipped sends). */
  readonly generatorSaturated: boolean
  /** The generator's own process (null before it started) and its CPU over the run's seconds, in cores. */
  readonly generator: { readonly pid: number | null; readonly cpuMeanCores: number; readonly cpuMaxCores: number }
  /** The first this-many ms of the run are left out of the figures above (still in the series). */
  readonly warmupMs: number
  readonly error?: string
  /** Changes of its level while it ran (PATCH /api/bursts/:id), in order; absent when none. */
  readonly loadChanges?: readonly LoadChange[]
}

/**
 * A running burst's level changed by hand (PATCH /api/bursts/:id, like Locust's edit
 * users): from `t` on, the level is `to` for the rest of the run, whatever its shape said.
 */
export interface LoadChange {
  /** Epoch ms, on the server's clock. */
  readonly at: number
  /** Ms since the run's time 0, as the generator saw it. */
  readonly t: number
  /** The level just before (the shape's, or the last change's) and after: requests/s (open) or connections (closed). */
  readonly from: number
  readonly to: number
  readonly by: string
}

/** PATCH /api/bursts/:id: the new level, `rate` for an open burst, `connections` for a closed one. */
export type LoadPatch = { readonly rate: number } | { readonly connections: number }

/** The field a burst of this model takes in a PATCH. */
export const loadField = (model: BurstModel): 'rate' | 'connections' => (model === 'open' ? 'rate' : 'connections')

/** One run as GET /api/bursts/:id returns it. */
export interface BurstRecord {
  readonly id: string
  readonly spec: BurstSpec
  readonly summary: BurstSummary
  /** One point per second. */
  readonly series: readonly BurstSeriesPoint[]
}

/** A `burst` event on the SSE stream: lifecycle and per-tick progress of one run. */
export type BurstProgress =
  | { readonly phase: 'started'; readonly id: string; readonly at: number; readonly name: string; readonly spec: BurstSpec }
  | { readonly phase: 'tick'; readonly id: string; readonly at: number; readonly elapsedMs: number; readonly durationMs: number; readonly window: BurstWindow; readonly server: ServerVitals }
  | { readonly phase: 'stopped' | 'finished' | 'failed'; readonly id: string; readonly at: number; readonly summary: BurstSummary }
  | { readonly phase: 'load'; readonly id: string; readonly at: number; readonly change: LoadChange }

export type BurstPhase = BurstProgress['phase']

/** A send counts as late when it leaves this long after its intended time. */
export const LATE_SEND_MS = 10
/** A send this far behind its intended time is skipped (and counted), not sent. */
export const SKIP_SEND_MS = 1_000
/**
 * An open burst's first seconds are a warm-up, left out of its summary: the server's
 * code is still cold and connections are still being added, which once put 2-3 s of
 * stall into every open run's p99. Only runs at least twice this long have one.
 */
export const WARMUP_MS = 2_000

/** The warm-up of a run of this spec, in ms from its start (0: none). */
export function warmupMsFor(spec: Pick<BurstSpec, 'model' | 'durationMs'>): number {
  return spec.model === 'open' && spec.durationMs >= 2 * WARMUP_MS ? WARMUP_MS : 0
}

/** A run whose late plus skipped sends exceed this share of its intended ones says the generator was saturated. */
export const SATURATED_SHARE = 0.01
