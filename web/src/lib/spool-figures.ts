import type { SpoolSnapshot } from '../../../shared/metrics.ts'
import { bytes, count, ms } from './format.ts'

/** One figure of the Spool panel: what it is, as shown, and the raw value for tests and screen readers. */
export interface SpoolFigure {
  readonly key: string
  readonly label: string
  readonly text: string
  readonly value: number | string | null
}

const EXACT = new Intl.NumberFormat('en', { maximumFractionDigits: 0 })
const perFsync = (n: number) => (n >= 10 ? count(Math.round(n)) : String(Math.round(n * 10) / 10))

/**
 * What the Spool panel says, from the latest snapshot's `spool`: none at all without the
 * spool (SLUICE_DURABILITY=memory), where the panel is not drawn.
 */
export function spoolFigures(spool: SpoolSnapshot | null | undefined, pid: number | null): SpoolFigure[] {
  if (!spool) return []
  const figures: SpoolFigure[] = [
    { key: 'bytes', label: 'On disk', text: `${bytes(spool.bytes)} of ${bytes(spool.maxBytes)}`, value: spool.bytes },
    { key: 'segments', label: 'Segments', text: count(spool.segments), value: spool.segments },
    { key: 'oldest-unwritten-ms', label: 'Oldest unwritten', text: spool.oldestUnwrittenAgeMs > 0 ? ms(spool.oldestUnwrittenAgeMs) : 'none', value: spool.oldestUnwrittenAgeMs },
    { key: 'fsyncs-per-sec', label: 'fsyncs/s', text: count(Math.round(spool.fsyncsPerSec)), value: spool.fsyncsPerSec },
    { key: 'events-per-fsync', label: 'Events per fsync', text: spool.fsyncsPerSec > 0 ? perFsync(spool.eventsPerFsync) : '–', value: spool.eventsPerFsync },
    { key: 'fsync-p99-ms', label: 'fsync p99', text: spool.fsyncP99Ms === null ? '–' : ms(spool.fsyncP99Ms), value: spool.fsyncP99Ms },
    // Exact, not "12.3K": the crash lesson compares it with a count of the table's rows.
    { key: 'replayed', label: 'Replayed at start', text: `${EXACT.format(spool.replayedAtStart)} events`, value: spool.replayedAtStart },
  ]
  if (spool.tornRecordsCut > 0) figures.push({ key: 'torn', label: 'Torn records cut', text: count(spool.tornRecordsCut), value: spool.tornRecordsCut })
  if (spool.refusing) figures.push({ key: 'refusing', label: 'Refusing appends', text: spool.refusing, value: spool.refusing })
  if (pid !== null) figures.push({ key: 'pid', label: 'Server pid', text: String(pid), value: pid })
  return figures
}
