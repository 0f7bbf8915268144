/** When a headline figure turns amber or red. Chosen for a server that should never queue for long. */

export type Level = 'ok' | 'warn' | 'bad'

const MB = 1024 * 1024

function byLimits(value: number, warn: number, bad: number): Level {
  return value >= bad ? 'bad' : value >= warn ? 'warn' : 'ok'
}

/** Amber from half full; red past the readiness watermark, where /readyz says not ready. */
export const queueFillLevel = (fill: number, highWatermark: number) => byLimits(fill, Math.min(0.5, highWatermark), highWatermark)

/** Any refusal is worth seeing; red once a tenth of requests are refused. */
export function rejectionLevel(rejectedPerSec: number, acceptedRequestsPerSec: number): Level {
  if (rejectedPerSec <= 0) return 'ok'
  return rejectedPerSec >= 0.1 * (rejectedPerSec + acceptedRequestsPerSec) ? 'bad' : 'warn'
}

/** 20 ms of event-loop delay is already felt by every request; 100 ms is an outage in the making. */
export const lagLevel = (p99Ms: number) => byLimits(p99Ms, 20, 100)

/** The seed's lesson: RSS follows payload size. These are far above what an idle Sluice uses (~100 MB). */
export const rssLevel = (rssBytes: number) => byLimits(rssBytes, 512 * MB, 1024 * MB)
