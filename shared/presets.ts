import type { BurstBody, BurstPreset } from './bursts.ts'

const SMALL: BurstBody = { eventsPerRequest: 10, eventBytes: 200, format: 'ndjson' }

/**
 * The seed's experiments, one click each. Rates were chosen on the reference 2-core
 * machine (copy writer, defaults, the generator on the same cores): with 10 small events
 * per request, an open ramp kept p99 under 100 ms up to ~3 000 requests/s and passed a
 * second by 3 500, so "80%" is 2 400. A busier or faster machine moves the knee.
 */
export const PRESETS = [
  {
    name: 'level-0-insert-per-request',
    title: 'Level 0: insert per request',
    watch: 'The writer is switched to `direct` for the run: every request waits for its own INSERT. Events/s is capped by the database while p99 grows with every connection you add.',
    spec: { model: 'closed', shape: { kind: 'steady', level: 50 }, durationMs: 20_000, body: SMALL, knobs: { writer: 'direct' } },
  },
  {
    name: 'concurrency-is-not-throughput',
    title: 'Concurrency is not throughput',
    watch: 'Connections step 10 → 1000. Requests/s flattens after the first step or two while latency climbs with each one (Little\'s law): more concurrency only buys queueing.',
    spec: { model: 'closed', shape: { kind: 'step', levels: [10, 50, 100, 250, 500, 1000] }, durationMs: 30_000, body: SMALL },
  },
  {
    name: 'queue-full-spike',
    title: 'Queue-full spike',
    watch: 'A slow database (500 ms a write: at most ~10 000 events/s) and a 20 000-event queue. The 4 s spike to 30 000 events/s fills the queue within a second; then the server refuses with 429 queue_full rather than buffering more, and memory stays flat. If latency climbs too, the CPU is the limit here, not the queue.',
    spec: {
      model: 'open',
      // 50 events a request: the spike is three times what the slow database takes, and
      // about what the server parses on the reference machine, so it is the queue that fills.
      shape: { kind: 'spike', base: 150, peak: 600, atMs: 5_000, forMs: 4_000 },
      durationMs: 15_000,
      body: { eventsPerRequest: 50, eventBytes: 200, format: 'ndjson' },
      knobs: { dbLatencyMs: 500, queueMaxEvents: 20_000 },
    },
  },
  {
    name: '20mb-payloads',
    title: '20 MB payloads',
    watch: 'A third of the requests carry 20 MB bodies. Each is refused with 413 from its Content-Length, before any of it is buffered, so RSS stays flat and small requests keep flowing; the seed\'s Level 0 buffered them whole.',
    spec: { model: 'closed', shape: { kind: 'steady', level: 6 }, durationMs: 20_000, body: SMALL, bad: { oversized_20mb: 0.33 } },
  },
  {
    name: 'slow-clients',
    title: 'Slow clients',
    watch: 'Half the requests drip their body over 4 s. They hold inflight slots while sending almost nothing: watch inflight requests reach the cap and fast clients get 429 overloaded while CPU stays low.',
    spec: { model: 'open', shape: { kind: 'steady', level: 600 }, durationMs: 20_000, body: SMALL, bad: { slow_drip: 0.5 }, dripMs: 4_000 },
  },
  {
    name: 'steady-at-80',
    title: 'Steady at 80%',
    watch: 'An open load at about 80% of this design\'s capacity on the reference machine. Latency should be flat and low, the queue near empty, flushes triggered by the interval: this is what healthy looks like.',
    spec: { model: 'open', shape: { kind: 'steady', level: 2_400 }, durationMs: 30_000, body: SMALL },
  },
  {
    name: 'ramp-to-collapse',
    title: 'Ramp to collapse',
    watch: 'The arrival rate ramps from 200 to 8 000 requests/s. Past the knee the CPU is the limit, and the queue that grows is not Sluice\'s: requests wait in socket buffers and the event loop\'s ready list, so open connections climb while requests in flight stay near 0, and event-loop delay rises. With admission `adaptive` (the default) the server refuses a growing share with 429 overloaded (reason cpu) to hold that delay near its target; set it to `off` and accepted latency climbs to seconds instead. Late sends mean the generator ran out of CPU.',
    spec: { model: 'open', shape: { kind: 'ramp', from: 200, to: 8_000 }, durationMs: 40_000, body: SMALL },
  },
  {
    name: 'bad-traffic-mix',
    title: 'Bad traffic mix',
    watch: 'Steady traffic with a share of every bad kind: oversized bodies (413), malformed JSON (400), slow drips, and clients that hang up mid-body (counted as client_aborted). Good requests should not notice.',
    spec: {
      model: 'open',
      shape: { kind: 'steady', level: 300 },
      durationMs: 20_000,
      body: SMALL,
      bad: { oversized_1mb: 0.03, oversized_5mb: 0.02, malformed: 0.05, slow_drip: 0.05, disconnect: 0.05 },
      dripMs: 1_000,
    },
  },
] as const satisfies readonly BurstPreset[]

export type PresetName = (typeof PRESETS)[number]['name']

export function findPreset(name: string): BurstPreset | undefined {
  return PRESETS.find((preset) => preset.name === name)
}
