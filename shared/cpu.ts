/**
 * CPU time over a window divided by the window's length, in cores: 1 is one core busy
 * the whole time, and a 2-core machine tops out at 2. `null` when it cannot be measured:
 * an external database (DATABASE_URL), no burst running, or no /proc to read.
 */
export interface CpuCores {
  /** The Sluice server process. */
  readonly server: number
  /** The embedded PostgreSQL: its postmaster and every process it started. */
  readonly database: number | null
  /** The load generator's own process. */
  readonly generator: number | null
}
