/**
 * Human figures, the same in the dashboard, the CLI and the HTML report: "207 MB", not
 * 217378816; "1.2 s", not 1234.5. Pure: no locale of the machine, no clock.
 */

const compact = new Intl.NumberFormat('en', { notation: 'compact', maximumFractionDigits: 1 })
const whole = new Intl.NumberFormat('en', { maximumFractionDigits: 0 })

export function count(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return '–'
  return Math.abs(value) >= 10_000 ? compact.format(value) : whole.format(value)
}

export function rate(value: number | null | undefined): string {
  return `${count(value)}/s`
}

/** Binary units, as the kernel counts RSS: 217378816 is "207 MB". */
export function bytes(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return '–'
  const units = ['B', 'KB', 'MB', 'GB']
  let v = value
  let unit = 0
  while (Math.abs(v) >= 1024 && unit < units.length - 1) {
    v /= 1024
    unit++
  }
  return `${v >= 100 || unit === 0 ? Math.round(v) : v.toFixed(1)} ${units[unit]}`
}

export function ms(value: number | null | undefined): string {
  if (value == null || !Number.isFinite(value)) return '–'
  if (value >= 10_000) return `${(value / 1000).toFixed(1)} s`
  return `${value >= 100 ? Math.round(value) : value >= 10 ? value.toFixed(1) : value.toFixed(2)} ms`
}

export function percent(fraction: number | null | undefined): string {
  if (fraction == null || !Number.isFinite(fraction)) return '–'
  return `${Math.round(fraction * 100)}%`
}

/** A share that may be tiny: 0.4% stays 0.4%, not 0%. */
export function share(fraction: number | null | undefined): string {
  if (fraction == null || !Number.isFinite(fraction)) return '–'
  const p = fraction * 100
  return `${p === 0 || p >= 10 ? Math.round(p) : p >= 1 ? p.toFixed(1) : p.toFixed(2)}%`
}

// One formatter, made once: Intl formatters are costly to build, and axes format on every draw.
const timeOfDay = new Intl.DateTimeFormat('en-GB', { hour: '2-digit', minute: '2-digit', second: '2-digit', hour12: false })

export function clock(epochMs: number): string {
  return timeOfDay.format(epochMs)
}

/** "2025-11-29 16:28:01 UTC": the same wherever it is made or read (Intl's date styles differ between Node and browsers). */
export function dateTimeUtc(epochMs: number): string {
  return `${new Date(epochMs).toISOString().slice(0, 19).replace('T', ' ')} UTC`
}

export function duration(totalMs: number): string {
  const s = Math.round(totalMs / 1000)
  return s < 60 ? `${s} s` : `${Math.floor(s / 60)} min ${s % 60} s`
}
