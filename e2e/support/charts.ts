/** The live charts by their data-chart id, in the order the dashboard shows them. */
export const LIVE_CHARTS = ['throughput', 'rejections', 'queue', 'flushes', 'inflight', 'event-loop', 'admission', 'cpu', 'memory', 'client-latency', 'client-rate'] as const
