import type { BurstKnobs } from '../../../shared/bursts.ts'
import type { LiveConfig } from '../../../shared/config.ts'
import { bytes, count, ms } from './format.ts'

export type KnobUnit = 'events' | 'bytes' | 'ms' | 'requests' | null

/** Each live knob as people read it: the Knobs panel, the marks on the charts and the preset list say the same. */
export const KNOB_TEXT: Record<keyof LiveConfig, { label: string; short: string; unit: KnobUnit }> = {
  queueMaxEvents: { label: 'Queue capacity', short: 'Queue cap', unit: 'events' },
  queueMaxBytes: { label: 'Queue capacity', short: 'Queue cap', unit: 'bytes' },
  batchMaxEvents: { label: 'Batch size', short: 'Batch', unit: 'events' },
  batchMaxBytes: { label: 'Batch size', short: 'Batch', unit: 'bytes' },
  flushIntervalMs: { label: 'Flush interval', short: 'Flush interval', unit: 'ms' },
  maxInflight: { label: 'Inflight cap', short: 'Inflight cap', unit: 'requests' },
  maxInflightBytes: { label: 'Inflight cap', short: 'Inflight cap', unit: 'bytes' },
  maxBodyBytes: { label: 'Body limit', short: 'Body limit', unit: 'bytes' },
  dbLatencyMs: { label: 'Injected DB latency', short: 'DB latency', unit: 'ms' },
  writer: { label: 'Writer strategy', short: 'Writer', unit: null },
  ack: { label: 'Default acknowledgement', short: 'Ack', unit: null },
  admission: { label: 'Admission mode', short: 'Admission', unit: null },
  bodyReading: { label: 'Body reading', short: 'Body reading', unit: null },
}

/** A knob's value with its unit: "20K events", "64 MB", "500 ms", "direct". */
export function knobValue(key: keyof LiveConfig, value: LiveConfig[keyof LiveConfig]): string {
  if (typeof value !== 'number') return String(value)
  const unit = KNOB_TEXT[key].unit
  // Knobs are whole milliseconds: "500 ms", not "500.00 ms".
  if (unit === 'ms') return value >= 10_000 ? ms(value) : `${count(value)} ms`
  return unit === 'bytes' ? bytes(value) : unit ? `${count(value)} ${unit}` : count(value)
}

/** "Queue cap 100K → 20K events": one knob's change, short enough for a label on a third-width chart. */
export function knobChange(key: keyof LiveConfig, before: LiveConfig[keyof LiveConfig] | undefined, after: LiveConfig[keyof LiveConfig]): string {
  const { short: label, unit } = KNOB_TEXT[key]
  const plain = (v: LiveConfig[keyof LiveConfig]) => (typeof v === 'number' && (unit === 'events' || unit === 'requests') ? count(v) : knobValue(key, v))
  return before === undefined ? `${label} → ${knobValue(key, after)}` : `${label} ${plain(before)} → ${knobValue(key, after)}`
}

/** What a preset sets for its run, e.g. "DB latency 500 ms, Queue cap 20K events". */
export function burstKnobsText(knobs: BurstKnobs | undefined): string | null {
  const entries = Object.entries(knobs ?? {}) as Array<[keyof BurstKnobs, LiveConfig[keyof BurstKnobs]]>
  return entries.length ? entries.map(([key, value]) => `${KNOB_TEXT[key].short} ${knobValue(key, value)}`).join(', ') : null
}
