import type { BurstBody, BurstPreset } from './bursts.ts'

const SMALL: BurstBody = { eventsPerRequest: 10, eventBytes: 200, format: 'ndjson' }

const BUFFERED_MIX_SHARE = 0.33

/**
 * The seed's experiments, one click each. Rates were chosen on the reference 2-core
 * machine (copy writer, defaults, the generator on the same cores); a busier or faster
 * machine moves the knee. Each `watch` text says only what a run showed there, in words
 * that survive noise (which figure rises, which status appears), and
 * test/preset-claims.test.ts checks those directions on a shortened run.
 *
 * Presets with `variants` are comparisons: the same load once per variant.
 */
export const PRESETS = [
  {
    name: 'level-0-insert-per-request',
    title: 'Level 0: insert per request',
    watch: 'The writer is switched to `direct`: every request waits for its own INSERT. Connections step 10 → 50 → 200. Events/s stops growing once the database is the limit, while p99 rises with each step (measured here: about 32 ms at 10 connections, 165 ms at 200).',
    spec: { model: 'closed', shape: { kind: 'step', levels: [10, 50, 200] }, durationMs: 21_000, body: SMALL, knobs: { writer: 'direct' } },
  },
  {
    name: 'concurrency-is-not-throughput',
    title: 'Concurrency is not throughput',
    watch: 'Connections step 10 → 1000. Requests/s stops growing after the first step or two while latency climbs with each one (Little\'s law): more concurrency only buys queueing. Measured here: p50 about 2 ms at 10 connections, over 100 ms at 1000.',
    spec: { model: 'closed', shape: { kind: 'step', levels: [10, 50, 100, 250, 500, 1000] }, durationMs: 30_000, body: SMALL },
  },
  {
    name: 'queue-full-spike',
    title: 'Queue-full spike',
    watch: 'A slow database (500 ms a write; two writers of up to 5 000 events each take about 20 000 events/s) and a 20 000-event queue. The 4 s spike to 30 000 events/s fills the queue in a couple of seconds (about 2 s here); from then on the server answers 429 queue_full rather than buffering more, and the queue stays at its cap until the spike ends. On a busy machine the CPU may give out first: then the queue stays low, latency climbs and refusals are 429 overloaded (reason cpu) instead.',
    spec: {
      model: 'open',
      // 50 events a request: the spike is about one and a half times what the slow database
      // takes, and about what the server parses on the reference machine, so it is the queue that fills.
      shape: { kind: 'spike', base: 150, peak: 600, atMs: 5_000, forMs: 4_000 },
      durationMs: 15_000,
      body: { eventsPerRequest: 50, eventBytes: 200, format: 'ndjson' },
      knobs: { dbLatencyMs: 500, queueMaxEvents: 20_000, batchMaxEvents: 5_000 },
    },
  },
  {
    name: '20mb-payloads',
    title: '20 MB payloads',
    watch: 'A third of the requests declare 20 MB bodies. Each is answered 413 from its Content-Length, never parsed, but the server still reads and discards a few MB of each (to keep the connection usable), so its event loop gets busy and small requests slow down sharply (here from thousands to a few hundred a second). Nothing is held whole: `buffered-vs-streamed` shows what holding it costs.',
    spec: { model: 'closed', shape: { kind: 'steady', level: 6 }, durationMs: 20_000, body: SMALL, bad: { oversized_20mb: 0.33 } },
  },
  {
    name: 'slow-clients',
    title: 'Slow clients',
    watch: 'Half the requests drip their body over 4 s, holding inflight slots while sending almost nothing. Requests in flight climb to the cap (1 024), and from then on new requests get 429 overloaded whether they are slow or fast: the cap cannot tell them apart. Drips are not free either: the server\'s CPU is higher than for the same rate without them.',
    spec: { model: 'open', shape: { kind: 'steady', level: 600 }, durationMs: 20_000, body: SMALL, bad: { slow_drip: 0.5 }, dripMs: 4_000 },
  },
  {
    name: 'steady-at-80',
    title: 'Steady below the knee',
    watch: 'An open load meant to sit below this design\'s knee (2 400 requests/s was about 80% on a quiet reference machine; on a shared one it may be nearer half). After the warm-up nearly every request is accepted, the queue stays near empty and flushes come from the interval: this is what healthy looks like. Compare its p99 with the other runs.',
    spec: { model: 'open', shape: { kind: 'steady', level: 2_400 }, durationMs: 30_000, body: SMALL },
  },
  {
    name: 'ramp-to-collapse',
    title: 'Ramp to collapse',
    watch: 'The arrival rate ramps from 200 to 8 000 requests/s. Past the knee the CPU is the limit, and the queue that grows is not Sluice\'s: requests wait in socket buffers and the event loop\'s ready list, so open connections climb while requests in flight stay low, and event-loop delay rises. With admission `adaptive` (the default) the server refuses a growing share with 429 overloaded (reason cpu); `admission-on-off` runs the same ramp both ways. Late sends mean the generator ran out of CPU.',
    spec: { model: 'open', shape: { kind: 'ramp', from: 200, to: 8_000 }, durationMs: 40_000, body: SMALL },
  },
  {
    name: 'bad-traffic-mix',
    title: 'Bad traffic mix',
    watch: 'Steady traffic with a share of every bad kind: oversized bodies (413), malformed JSON (400), slow drips, and clients that hang up mid-body (counted as client_aborted). Each bad kind gets its own answer and good requests keep being accepted, but they do notice: their p99 is several times a clean run\'s at the same rate (about 5 ms clean, 20 ms mixed here).',
    spec: {
      model: 'open',
      shape: { kind: 'steady', level: 300 },
      durationMs: 20_000,
      body: SMALL,
      bad: { oversized_1mb: 0.03, oversized_5mb: 0.02, malformed: 0.05, slow_drip: 0.05, disconnect: 0.05 },
      dripMs: 1_000,
    },
  },
  {
    name: 'buffered-vs-streamed',
    title: 'Buffered vs streamed bodies',
    watch: 'Six short runs: a third of requests carry 1, 5 or 20 MB bodies (all over the 1 MiB limit), first read whole (`bodyReading: buffer`, as express.json() did), then streamed. Buffered, RSS rises with payload size and so does the worst event-loop delay, though every big body still ends in 413; streamed, they are refused from their Content-Length and RSS rises far less (each run\'s rise is read from its own start, as RSS freed by an earlier run may not have gone back). After each run the heap is back down while RSS stays above it: the allocator keeps freed pages (fragmentation, not a leak). The inflight-bytes cap (64 MiB) bounds how much is buffered at once.',
    spec: { model: 'closed', shape: { kind: 'steady', level: 6 }, durationMs: 10_000, body: SMALL, bad: { oversized_1mb: BUFFERED_MIX_SHARE } },
    variants: [
      { label: 'buffer 1 MB', knobs: { bodyReading: 'buffer' }, bad: { oversized_1mb: BUFFERED_MIX_SHARE } },
      { label: 'buffer 5 MB', knobs: { bodyReading: 'buffer' }, bad: { oversized_5mb: BUFFERED_MIX_SHARE } },
      { label: 'buffer 20 MB', knobs: { bodyReading: 'buffer' }, bad: { oversized_20mb: BUFFERED_MIX_SHARE } },
      { label: 'stream 1 MB', knobs: { bodyReading: 'stream' }, bad: { oversized_1mb: BUFFERED_MIX_SHARE } },
      { label: 'stream 5 MB', knobs: { bodyReading: 'stream' }, bad: { oversized_5mb: BUFFERED_MIX_SHARE } },
      { label: 'stream 20 MB', knobs: { bodyReading: 'stream' }, bad: { oversized_20mb: BUFFERED_MIX_SHARE } },
    ],
  },
  {
    name: 'writers-compared',
    title: 'Writers compared',
    watch: 'The same 50 connections with each writer, every request answered once its rows are committed (ack=commit, so latencies are comparable): `direct` (one INSERT per request), `batch` (multi-row INSERT), `copy` (COPY). Each connection waits for its own commit before it sends again, so at this load events/s is set by how long a commit takes to come back, not by what the database could take: the three come out close (here direct 7.6k, batch 6.2k, copy 7.7k events/s, p99 130, 102 and 110 ms). What each writer can take is far apart: `npm run bench` fills the writers from 16 NDJSON connections without waiting for commits, and there COPY took 70k events/s, batch 27k and direct 23k.',
    spec: { model: 'closed', shape: { kind: 'steady', level: 50 }, durationMs: 10_000, body: SMALL, knobs: { ack: 'commit' } },
    variants: [
      { label: 'direct', knobs: { writer: 'direct' } },
      { label: 'batch', knobs: { writer: 'batch' } },
      { label: 'copy', knobs: { writer: 'copy' } },
    ],
  },
  {
    name: 'batch-size-sweep',
    title: 'Batch size and flush interval',
    watch: 'The same 20 000 events/s, each request answered once committed, with the largest batch and the flush interval swept. At this rate batches rarely fill, so the interval sets the wait: p99 rises with the flush interval (here 50 ms at 10 ms, 147 ms at 50 ms, 360 ms at 250 ms). Batches of 100 need fifty times the commits of 5 000 and cannot keep up: here they committed 13.8k events/s of the 20k offered, and the rest was refused with 429.',
    spec: { model: 'open', shape: { kind: 'steady', level: 2_000 }, durationMs: 8_000, body: SMALL, knobs: { ack: 'commit', writer: 'copy' } },
    variants: [
      { label: 'batch 100, flush 50 ms', knobs: { batchMaxEvents: 100, flushIntervalMs: 50 } },
      { label: 'batch 1000, flush 50 ms', knobs: { batchMaxEvents: 1_000, flushIntervalMs: 50 } },
      { label: 'batch 5000, flush 10 ms', knobs: { batchMaxEvents: 5_000, flushIntervalMs: 10 } },
      { label: 'batch 5000, flush 50 ms', knobs: { batchMaxEvents: 5_000, flushIntervalMs: 50 } },
      { label: 'batch 5000, flush 250 ms', knobs: { batchMaxEvents: 5_000, flushIntervalMs: 250 } },
    ],
  },
  {
    name: 'inflight-cap-on-off',
    title: 'Inflight cap on and off',
    watch: 'The same spike against a slow database (500 ms a write, each request waiting for its commit), with the inflight cap at its default (1 024) and effectively off (1 000 000). With the cap, requests past it are refused at once with 429 overloaded and the ones accepted wait less; without it none are refused for that reason, so requests in flight, memory and latency climb instead. CPU admission is off for both, so only the cap differs.',
    spec: {
      model: 'open',
      shape: { kind: 'spike', base: 200, peak: 2_000, atMs: 3_000, forMs: 4_000 },
      durationMs: 12_000,
      body: SMALL,
      knobs: { ack: 'commit', dbLatencyMs: 500, admission: 'off' },
    },
    variants: [
      { label: 'cap 1 024', knobs: { maxInflight: 1_024 } },
      { label: 'cap off', knobs: { maxInflight: 1_000_000 } },
    ],
  },
  {
    name: 'admission-on-off',
    title: 'Admission off and adaptive',
    watch: 'The same open ramp from 200 to 8 000 requests/s, past the CPU\'s knee, with CPU admission `off` then `adaptive`. Off, nothing is refused on CPU and the event-loop delay and p99 of accepted requests climb. Adaptive refuses a share with 429 overloaded (reason cpu) once the delay stays over its 20 ms target, and holds back (\'held\' on the Admission chart) when refusing starts to cost accepted events: a single small event costs nearly as much to refuse as to serve, so here refusing buys less delay than it would for big requests. Compare committed events/s and p99 of the two runs.',
    spec: { model: 'open', shape: { kind: 'ramp', from: 200, to: 8_000 }, durationMs: 20_000, body: SMALL },
    variants: [
      { label: 'admission off', knobs: { admission: 'off' } },
      { label: 'admission adaptive', knobs: { admission: 'adaptive' } },
    ],
  },
] as const satisfies readonly BurstPreset[]

export type PresetName = (typeof PRESETS)[number]['name']

export function findPreset(name: string): BurstPreset | undefined {
  return PRESETS.find((preset) => preset.name === name)
}
