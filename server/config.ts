import { availableParallelism } from 'node:os'
import path from 'node:path'
import { LIVE_KNOB_ENUMS, LIVE_KNOB_LIMITS, type AdmissionMode, type BodyReading, type NumericKnob } from '../shared/config.ts'
import type { WriterStrategy } from '../shared/ingest.ts'
import { integerIn, InvalidValue, oneOf as checkOneOf } from '../shared/knobs.ts'

const KiB = 1024
const MiB = 1024 * KiB
const GiB = 1024 * MiB

/** What a 202 means: `memory` (queued in this process) or `spool` (on disk, fdatasync'd). */
export const DURABILITIES = ['memory', 'spool'] as const
export type Durability = (typeof DURABILITIES)[number]

export interface Config {
  readonly host: string
  readonly port: number
  /** External PostgreSQL; undefined starts the embedded one. */
  readonly databaseUrl: string | undefined
  /**
   * In a worker under SLUICE_WORKERS: the embedded PostgreSQL its primary started (its
   * postmaster's pid), so the worker charts that database's CPU and calls it embedded, as
   * a single process does. Set by the primary (PRIMARY_DATABASE_PID_ENV), not by users.
   */
  readonly primaryDatabasePid: number | undefined
  readonly dataDir: string
  readonly token: string | undefined
  readonly maxBodyBytes: number
  readonly maxEventBytes: number
  /** Deepest nesting of objects and arrays inside one event. */
  readonly maxEventDepth: number
  /** Longest a request may take to send its whole body. */
  readonly bodyTimeoutMs: number
  /** Slowest a body may arrive, in bytes/s averaged since its start, once the grace is over (0: no floor). */
  readonly bodyMinRate: number
  readonly bodyMinRateGraceMs: number
  /** A body that got no bytes for this long is stalled, and counts against its client's share. */
  readonly bodyStallMs: number
  /** Stalled requests one client address may hold at once; one more gets 408. */
  readonly maxStalledPerClient: number
  /** Node's own limits: the request head, the whole request, an idle kept-alive connection. */
  readonly headersTimeoutMs: number
  readonly keepAliveTimeoutMs: number
  /** Host names the server answers to besides loopback names and its bind address ("*": any). */
  readonly allowedHosts: readonly string[]
  readonly maxInflight: number
  readonly maxInflightBytes: number
  readonly queueMaxEvents: number
  readonly queueMaxBytes: number
  /** Queue fill (0..1) above which /readyz reports not ready. */
  readonly queueHighWatermark: number
  readonly batchMaxEvents: number
  readonly batchMaxBytes: number
  readonly flushIntervalMs: number
  readonly writer: WriterStrategy
  /** Admission on the server's own delay (a live knob too). */
  readonly admission: AdmissionMode
  /** `stream` (checked as it arrives) or `buffer` (read whole first, as Level 0 did); a live knob too. */
  readonly bodyReading: BodyReading
  /** Batches being written at once, each on its own connection. */
  readonly writerConcurrency: number
  readonly tickMs: number
  /** How much metrics history the stream keeps for a new client's backfill. */
  readonly historySeconds: number
  /** Concurrent GET /api/stream clients; one more gets 503. */
  readonly sseMaxClients: number
  /** A stream client whose socket takes no data for this long is dropped. */
  readonly sseWriteTimeoutMs: number
  /** Comment line sent when the stream was otherwise quiet this long, for idle proxies. */
  readonly sseHeartbeatMs: number
  /** How long SIGTERM waits for the queue to reach the database. */
  readonly drainTimeoutMs: number
  /** Connections in the pool used by the `direct` writer and control queries. */
  readonly dbPoolSize: number
  /** Caps on a load burst: connections (closed model; open-model sockets too), requests/s, length. */
  readonly burstMaxConnections: number
  /** Where bursts send their load (a load balancer in front of a fleet); undefined: this server. */
  readonly burstTarget: string | undefined
  readonly burstMaxRate: number
  readonly burstMaxDurationMs: number
  readonly logLevel: 'silent' | 'info'
  readonly durability: Durability
  /** Where the spool's segments live; `<dataDir>/spool` unless set. */
  readonly spoolDir: string
  /** Past this many bytes on disk the spool refuses appends (503). */
  readonly spoolMaxBytes: number
  /** Test hook: SIGKILL the process right after this many batch commits (0: never). */
  readonly spoolKillAfterCommits: number
  /** Processes serving this port (node:cluster workers); 1 runs no cluster at all. */
  readonly workers: number
  /** This instance's name in the fleet; unset, it is host:port/pid (server/fleet/instance-id.ts). */
  readonly instance: string | undefined
  /** postgres.js named prepared statements; false behind PgBouncer in transaction mode. */
  readonly dbPrepare: boolean
  /** A session-mode connection for the fleet's LISTEN and advisory locks; unset, the database's own. */
  readonly fleetDatabaseUrl: string | undefined
  /** How often fleet state (knobs, annotations, a stop asked for) is re-read, for what a lost LISTEN missed. */
  readonly fleetPollMs: number
  /**
   * How far V8 lets the old generation grow past what the last full collection kept, in
   * percent (V8's --heap-growing-percent); 0 leaves V8's own factor (up to 4x). Set by the
   * server's process (server/main.ts), not by startSluice: it is the whole process's heap.
   */
  readonly heapGrowthPercent: number
}

export class ConfigError extends Error {
  readonly code = 'invalid_config'
  constructor(readonly variable: string, detail: string) {
    super(`${variable}: ${detail}`)
    this.name = 'ConfigError'
  }
}

type Env = Record<string, string | undefined>

/** How a cluster primary hands its workers the pid of the embedded PostgreSQL it started. */
export const PRIMARY_DATABASE_PID_ENV = 'SLUICE_PRIMARY_DATABASE_PID'

/** Defaults; README explains how each was chosen. */
export const DEFAULTS: Config = Object.freeze({
  host: '127.0.0.1',
  port: 8080,
  databaseUrl: undefined,
  primaryDatabasePid: undefined,
  dataDir: '.sluice',
  token: undefined,
  maxBodyBytes: 1 * MiB,
  maxEventBytes: 64 * KiB,
  maxEventDepth: 32,
  bodyTimeoutMs: 15_000,
  bodyMinRate: 240,
  bodyMinRateGraceMs: 5_000,
  bodyStallMs: 1_000,
  maxStalledPerClient: 64,
  headersTimeoutMs: 10_000,
  keepAliveTimeoutMs: 5_000,
  allowedHosts: [],
  maxInflight: 1024,
  maxInflightBytes: 64 * MiB,
  queueMaxEvents: 100_000,
  queueMaxBytes: 64 * MiB,
  queueHighWatermark: 0.8,
  // Not COPY's own best (a few thousand rows) but the server's: under load each flush
  // waits for event-loop turns, and bigger batches pay that wait fewer times (README).
  batchMaxEvents: 20_000,
  batchMaxBytes: 8 * MiB,
  flushIntervalMs: 50,
  writer: 'copy',
  admission: 'adaptive',
  bodyReading: 'stream',
  writerConcurrency: 2,
  tickMs: 250,
  historySeconds: 600,
  sseMaxClients: 50,
  sseWriteTimeoutMs: 5_000,
  sseHeartbeatMs: 15_000,
  drainTimeoutMs: 15_000,
  dbPoolSize: 10,
  burstMaxConnections: 2_000,
  burstTarget: undefined,
  burstMaxRate: 20_000,
  burstMaxDurationMs: 600_000,
  logLevel: 'info',
  durability: 'memory',
  spoolDir: path.join('.sluice', 'spool'),
  spoolMaxBytes: 1 * GiB,
  spoolKillAfterCommits: 0,
  workers: 1,
  instance: undefined,
  dbPrepare: true,
  fleetDatabaseUrl: undefined,
  fleetPollMs: 2_000,
  heapGrowthPercent: 30,
})

/** Runs a shared check on an environment variable: a bad value names the variable. */
function checked<T>(name: string, raw: string, check: (value: unknown) => T, parse: (raw: string) => unknown = (text) => text): T {
  try {
    return check(parse(raw))
  } catch (error) {
    if (error instanceof InvalidValue) throw new ConfigError(name, `${error.detail}, got "${raw}"`)
    throw error
  }
}

function int(env: Env, name: string, fallback: number, min: number, max = Number.MAX_SAFE_INTEGER): number {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  return checked(name, raw, (value) => integerIn(name, value, min, max), (text) => Number(text.replaceAll('_', '')))
}

/** A live knob's starting value: the same range PATCH /api/config accepts. */
function knob(env: Env, name: string, key: NumericKnob, fallback: number): number {
  const { min, max } = LIVE_KNOB_LIMITS[key]
  return int(env, name, fallback, min, max)
}

function str(env: Env, name: string, fallback: string | undefined): string | undefined {
  const raw = env[name]
  return raw === undefined || raw === '' ? fallback : raw
}

/**
 * An http:// origin (scheme, host, port; no path): where bursts are aimed. Only the
 * operator sets it, here; the API can aim a burst nowhere else.
 */
function httpOrigin(env: Env, name: string): string | undefined {
  const raw = env[name]
  if (raw === undefined || raw === '') return undefined
  let url: URL
  try {
    url = new URL(raw)
  } catch {
    throw new ConfigError(name, `expected a URL such as http://127.0.0.1:8000, got "${raw}"`)
  }
  if (url.protocol !== 'http:' || url.pathname !== '/' || url.search !== '' || url.username !== '') {
    throw new ConfigError(name, `expected http://host:port with no path, query or credentials, got "${raw}"`)
  }
  return url.origin
}

/** A comma-separated list of host names (no ports), lower-cased; brackets kept for IPv6. */
function hostList(env: Env, name: string): readonly string[] {
  const raw = env[name]
  if (raw === undefined || raw.trim() === '') return DEFAULTS.allowedHosts
  const hosts = raw.split(',').map((host) => host.trim().toLowerCase()).filter(Boolean)
  const bad = hosts.find((host) => host !== '*' && !/^(?:[a-z0-9.-]+|\[[0-9a-f:.]+\])$/.test(host))
  if (bad !== undefined) throw new ConfigError(name, `expected host names without ports, comma-separated, got "${bad}"`)
  return Object.freeze(hosts)
}

function oneOf<T extends string>(env: Env, name: string, allowed: readonly T[], fallback: T): T {
  const raw = env[name]
  if (raw === undefined || raw === '') return fallback
  return checked(name, raw, (value) => checkOneOf(name, value, allowed))
}

// A cap against a typo (80 for 8): each worker holds its own pool, queue and writers.
const MAX_WORKERS = 256

/** SLUICE_WORKERS: a count, or `auto` for one per core. */
function workers(env: Env, name: string): number {
  const raw = env[name]?.trim()
  if (raw === 'auto') return availableParallelism()
  if (raw !== undefined && raw !== '' && !/^\d+$/.test(raw)) throw new ConfigError(name, `expected a number of processes from 1 to ${MAX_WORKERS}, or "auto" (one per core), got "${raw}"`)
  return int(env, name, DEFAULTS.workers, 1, MAX_WORKERS)
}

/**
 * Reads the configuration once: explicit options win over the environment, which wins
 * over DEFAULTS. Throws ConfigError naming the variable on a bad value.
 */
export function loadConfig(env: Env = process.env, options: Partial<Config> = {}): Config {
  const fromEnv: Config = {
    host: str(env, 'HOST', DEFAULTS.host)!,
    port: int(env, 'PORT', DEFAULTS.port, 0, 65535),
    databaseUrl: str(env, 'DATABASE_URL', undefined),
    primaryDatabasePid: env[PRIMARY_DATABASE_PID_ENV] ? int(env, PRIMARY_DATABASE_PID_ENV, 0, 2) : undefined,
    dataDir: str(env, 'SLUICE_DATA_DIR', DEFAULTS.dataDir)!,
    token: str(env, 'SLUICE_TOKEN', undefined),
    maxBodyBytes: knob(env, 'SLUICE_MAX_BODY_BYTES', 'maxBodyBytes', DEFAULTS.maxBodyBytes),
    maxEventBytes: int(env, 'SLUICE_MAX_EVENT_BYTES', DEFAULTS.maxEventBytes, 16),
    maxEventDepth: int(env, 'SLUICE_MAX_EVENT_DEPTH', DEFAULTS.maxEventDepth, 1, 1000),
    bodyTimeoutMs: int(env, 'SLUICE_BODY_TIMEOUT_MS', DEFAULTS.bodyTimeoutMs, 1, 3_600_000),
    bodyMinRate: int(env, 'SLUICE_BODY_MIN_RATE', DEFAULTS.bodyMinRate, 0, 1_000_000_000),
    bodyMinRateGraceMs: int(env, 'SLUICE_BODY_MIN_RATE_GRACE_MS', DEFAULTS.bodyMinRateGraceMs, 0, 3_600_000),
    bodyStallMs: int(env, 'SLUICE_BODY_STALL_MS', DEFAULTS.bodyStallMs, 50, 3_600_000),
    maxStalledPerClient: int(env, 'SLUICE_MAX_STALLED_PER_CLIENT', DEFAULTS.maxStalledPerClient, 0, 100_000),
    headersTimeoutMs: int(env, 'SLUICE_HEADERS_TIMEOUT_MS', DEFAULTS.headersTimeoutMs, 100, 600_000),
    keepAliveTimeoutMs: int(env, 'SLUICE_KEEP_ALIVE_TIMEOUT_MS', DEFAULTS.keepAliveTimeoutMs, 0, 600_000),
    allowedHosts: hostList(env, 'SLUICE_ALLOWED_HOSTS'),
    maxInflight: knob(env, 'SLUICE_MAX_INFLIGHT', 'maxInflight', DEFAULTS.maxInflight),
    maxInflightBytes: knob(env, 'SLUICE_MAX_INFLIGHT_BYTES', 'maxInflightBytes', DEFAULTS.maxInflightBytes),
    queueMaxEvents: knob(env, 'SLUICE_QUEUE_MAX_EVENTS', 'queueMaxEvents', DEFAULTS.queueMaxEvents),
    queueMaxBytes: knob(env, 'SLUICE_QUEUE_MAX_BYTES', 'queueMaxBytes', DEFAULTS.queueMaxBytes),
    queueHighWatermark: DEFAULTS.queueHighWatermark,
    batchMaxEvents: knob(env, 'SLUICE_BATCH_MAX_EVENTS', 'batchMaxEvents', DEFAULTS.batchMaxEvents),
    batchMaxBytes: knob(env, 'SLUICE_BATCH_MAX_BYTES', 'batchMaxBytes', DEFAULTS.batchMaxBytes),
    flushIntervalMs: knob(env, 'SLUICE_FLUSH_INTERVAL_MS', 'flushIntervalMs', DEFAULTS.flushIntervalMs),
    writer: oneOf(env, 'SLUICE_WRITER', LIVE_KNOB_ENUMS.writer, DEFAULTS.writer),
    admission: oneOf(env, 'SLUICE_ADMISSION', LIVE_KNOB_ENUMS.admission, DEFAULTS.admission),
    bodyReading: oneOf(env, 'SLUICE_BODY_READING', LIVE_KNOB_ENUMS.bodyReading, DEFAULTS.bodyReading),
    writerConcurrency: int(env, 'SLUICE_WRITERS', DEFAULTS.writerConcurrency, 1, 16),
    tickMs: int(env, 'SLUICE_TICK_MS', DEFAULTS.tickMs, 10, 60_000),
    historySeconds: int(env, 'SLUICE_HISTORY_SECONDS', DEFAULTS.historySeconds, 0, 3_600),
    sseMaxClients: int(env, 'SLUICE_SSE_MAX_CLIENTS', DEFAULTS.sseMaxClients, 0, 10_000),
    sseWriteTimeoutMs: int(env, 'SLUICE_SSE_WRITE_TIMEOUT_MS', DEFAULTS.sseWriteTimeoutMs, 10, 600_000),
    sseHeartbeatMs: int(env, 'SLUICE_SSE_HEARTBEAT_MS', DEFAULTS.sseHeartbeatMs, 10, 600_000),
    drainTimeoutMs: int(env, 'SLUICE_DRAIN_TIMEOUT_MS', DEFAULTS.drainTimeoutMs, 0, 600_000),
    dbPoolSize: int(env, 'SLUICE_DB_POOL', DEFAULTS.dbPoolSize, 2, 1000),
    burstMaxConnections: int(env, 'SLUICE_BURST_MAX_CONNECTIONS', DEFAULTS.burstMaxConnections, 1, 100_000),
    burstTarget: httpOrigin(env, 'SLUICE_BURST_TARGET'),
    burstMaxRate: int(env, 'SLUICE_BURST_MAX_RATE', DEFAULTS.burstMaxRate, 1, 1_000_000),
    burstMaxDurationMs: int(env, 'SLUICE_BURST_MAX_DURATION_MS', DEFAULTS.burstMaxDurationMs, 100, 86_400_000),
    logLevel: oneOf(env, 'SLUICE_LOG', ['silent', 'info'] as const, DEFAULTS.logLevel),
    durability: oneOf(env, 'SLUICE_DURABILITY', DURABILITIES, DEFAULTS.durability),
    spoolDir: str(env, 'SLUICE_SPOOL_DIR', '')!,
    // At least a few segments' worth (the log rotates at 64 KiB at the smallest).
    spoolMaxBytes: int(env, 'SLUICE_SPOOL_MAX_BYTES', DEFAULTS.spoolMaxBytes, 256 * KiB),
    spoolKillAfterCommits: int(env, 'SLUICE_SPOOL_TEST_KILL_AFTER_COMMITS', DEFAULTS.spoolKillAfterCommits, 0),
    workers: workers(env, 'SLUICE_WORKERS'),
    instance: str(env, 'SLUICE_INSTANCE', undefined),
    dbPrepare: oneOf(env, 'SLUICE_DB_PREPARE', ['true', 'false'] as const, 'true') === 'true',
    fleetDatabaseUrl: str(env, 'SLUICE_FLEET_DATABASE_URL', undefined),
    fleetPollMs: int(env, 'SLUICE_FLEET_POLL_MS', DEFAULTS.fleetPollMs, 100, 600_000),
    heapGrowthPercent: int(env, 'SLUICE_HEAP_GROWTH_PERCENT', DEFAULTS.heapGrowthPercent, 0, 1_000),
  }
  const merged = { ...fromEnv, ...options }
  // The spool follows the data folder unless placed on its own, whichever way either was set.
  return Object.freeze({ ...merged, spoolDir: merged.spoolDir || path.join(merged.dataDir, 'spool') })
}
