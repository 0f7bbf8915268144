import type { Sql } from '../../db/client.ts'
import type { CopyRows } from '../copy-text.ts'
import { CommittedSeqs } from './committed.ts'
import { SpoolLog, type Appended } from './log.ts'
import { loadCommitted, type CommitMark } from './offsets.ts'
import type { SpoolStats } from './stats.ts'

export interface SpoolOptions {
  readonly dir: string
  readonly maxBytes: number
  readonly segmentBytes?: number
  /** Test hook: SIGKILL this process right after the Nth batch committed, before the spool hears of it. */
  readonly killAfterCommits?: number
  readonly log?: (line: string) => void
}

/** What the batcher needs: the mark to commit with a batch, and word that it committed. */
export interface CommitLedger {
  mark(first: number, last: number): CommitMark
  committed(first: number, last: number): void
}

/**
 * The write-ahead spool as the pipeline sees it: the log on disk, and what PostgreSQL
 * has committed of it. Segments go once every event in them is committed.
 */
export class Spool implements CommitLedger {
  readonly log: SpoolLog
  readonly commits: CommittedSeqs
  /** Events found at start past what was committed: the feeder counts them into replayedAtStart. */
  replayedAtStart = 0
  readonly #killAfterCommits: number
  #commits = 0

  private constructor(log: SpoolLog, commits: CommittedSeqs, killAfterCommits: number) {
    this.log = log
    this.commits = commits
    this.#killAfterCommits = killAfterCommits
  }

  /** Opens the log (cutting a torn tail) and reads what the database committed of it. */
  static async open(options: SpoolOptions, sql: Sql): Promise<Spool> {
    const log = new SpoolLog(options)
    const { through, ranges } = await loadCommitted(sql, log.instance)
    const committed = new CommittedSeqs(through, ranges)
    log.skipPast(Math.max(through, ...ranges.map(([, last]) => last)))
    log.release(committed.through)
    return new Spool(log, committed, options.killAfterCommits ?? 0)
  }

  /** Every event spooled at start up to this seq must be committed before the server is ready. */
  get recoveredThrough(): number {
    return this.log.recovered.lastSeq
  }

  /** Resolves once the request's events are on disk; they are numbered firstSeq..lastSeq. */
  append(rows: CopyRows): Promise<Appended> {
    return this.log.append(rows.text, rows.count)
  }

  /** Why a request of up to `bytes` would be refused now, or undefined. */
  refusal(bytes: number): string | undefined {
    if (this.log.failed) return `spool disk error: ${this.log.failed.message}`
    if (!this.log.hasRoom(bytes)) return `spool full (${this.log.bytes} of ${this.log.maxBytes} bytes)`
    return undefined
  }

  /** Why /readyz should say no: a disk error, or the spool fuller than `highWatermark` (0..1). */
  notReadyBecause(highWatermark: number): string | undefined {
    if (this.log.failed) return 'spool disk error'
    const fill = this.log.bytes / this.log.maxBytes
    return fill > highWatermark ? `spool ${Math.round(fill * 100)}% full` : undefined
  }

  mark(first: number, last: number): CommitMark {
    return { instance: this.log.instance, first, last, through: this.commits.extending(first, last) }
  }

  committed(first: number, last: number): void {
    if (this.#killAfterCommits > 0 && ++this.#commits === this.#killAfterCommits) process.kill(process.pid, 'SIGKILL')
    this.commits.add(first, last)
    this.log.release(this.commits.through)
  }

  /** Events spooled and not yet committed (what a restart would replay). */
  get unwrittenEvents(): number {
    let events = this.log.lastSeq - this.commits.through
    for (const [first, last] of this.commits.above) events -= last - first + 1
    return Math.max(0, events)
  }

  stats(): SpoolStats {
    const log = this.log
    const oldestAt = log.ages.oldestAt
    return {
      bytes: log.bytes,
      maxBytes: log.maxBytes,
      segments: log.segmentCount,
      oldestUnwrittenAgeMs: oldestAt === undefined ? 0 : Math.max(0, Date.now() - oldestAt),
      fsyncsTotal: log.fsyncs.total,
      eventsSyncedTotal: log.fsyncs.eventsTotal,
      ...log.fsyncs.rate(),
      fsyncP99Ms: log.fsyncs.p99(),
      replayedAtStart: this.replayedAtStart,
      tornRecordsCut: log.recovered.tornRecords,
      refusing: this.refusal(0) ?? null,
    }
  }

  close(): Promise<void> {
    return this.log.close()
  }
}
