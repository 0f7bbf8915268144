/**
 * The learning notes as lessons, in the notes' order (Level 0: one Express handler that
 * inserts per request; Level 1: streaming with guards; Level 2: a queue and a batch
 * writer). Each is a question, the preset that answers it, and why it comes out as it
 * does. What happened is never written here: the Lessons view and the notebook read it
 * from the preset's latest run.
 */
import type { PresetName } from './presets.ts'

export interface Lesson {
  readonly level: 0 | 1 | 2
  readonly preset: PresetName
  readonly question: string
  /** Two or three sentences: the mechanism behind what the run shows. */
  readonly why: string
}

export const LEVEL_TITLES = {
  0: 'Level 0: one handler, one INSERT per request',
  1: 'Level 1: streaming bodies, with guards',
  2: 'Level 2: a bounded queue and a batch writer',
} as const

export const LESSONS = [
  {
    level: 0,
    preset: 'level-0-insert-per-request',
    question: 'Can one INSERT per request keep up as clients are added?',
    why: 'Each request holds a database round trip and a commit of its own, so the database caps events/s at a few thousand rows. Once it is the limit, extra connections only wait in line for it: latency grows with every one you add.',
  },
  {
    level: 0,
    preset: 'concurrency-is-not-throughput',
    question: 'Does more concurrency give more throughput?',
    why: 'Throughput is set by the slowest resource (here the CPU). Little\'s law: requests in the system = throughput × latency, so with throughput fixed, more requests in flight can only mean each waits longer.',
  },
  {
    level: 0,
    preset: 'buffered-vs-streamed',
    question: 'What does reading a whole body before looking at it cost?',
    why: 'express.json() collects every chunk, joins them and parses the result, so memory follows payload size and joining a 20 MB body blocks the event loop for everyone. Even after the garbage collector frees it, RSS stays high: the allocator keeps the pages (fragmentation, not a leak). Streaming counts bytes as they arrive and refuses at the limit.',
  },
  {
    level: 1,
    preset: '20mb-payloads',
    question: 'What do huge bodies cost a streaming server?',
    why: 'The declared length is refused at once, so nothing is held. But the bytes are already on their way: to keep the connection usable the server reads and discards some of each, and that reading is work on the same event loop that serves small requests.',
  },
  {
    level: 1,
    preset: 'slow-clients',
    question: 'Can a few slow clients hurt everyone?',
    why: 'A request that drips its body holds an inflight slot for as long as it takes. The inflight cap is what keeps memory bounded, but it counts slots, not speed: once drips fill it, fast clients are refused too. The body deadline (408) is what frees the slots.',
  },
  {
    level: 1,
    preset: 'bad-traffic-mix',
    question: 'Does bad traffic hurt good traffic?',
    why: 'Every bad kind is answered early with its own status, so none of it reaches the queue. It is not free: reading, refusing and discarding take event-loop time, so good requests wait a little longer than on a clean run.',
  },
  {
    level: 1,
    preset: 'inflight-cap-on-off',
    question: 'What does the inflight cap buy?',
    why: 'Without a cap every arriving request is taken in and waits, so requests in flight, memory and latency grow until the spike ends (or the process dies). With it, the excess is refused at once with 429 and a Retry-After, and the accepted requests keep a bounded wait.',
  },
  {
    level: 2,
    preset: 'writers-compared',
    question: 'Does batching beat one insert per request?',
    why: 'Most of an INSERT\'s cost is per statement and per commit, not per row. A multi-row INSERT pays it once per batch, and COPY streams rows with the least parsing of all, so events/s rises from direct to batch to copy.',
  },
  {
    level: 2,
    preset: 'batch-size-sweep',
    question: 'How big should a batch be, and how long may it wait?',
    why: 'A batch is written when it is full or when the flush interval ends. Below capacity batches rarely fill, so the interval is a wait every event pays. Tiny batches pay the per-commit cost many times over and commit less near capacity.',
  },
  {
    level: 2,
    preset: 'queue-full-spike',
    question: 'What happens when the database is slower than the arrivals?',
    why: 'A bounded queue absorbs the difference for as long as it has room; then refusing (429 queue_full, with Retry-After) is the only way to keep memory and latency bounded. An unbounded queue would only move the failure to the memory limit.',
  },
  {
    level: 2,
    preset: 'steady-at-80',
    question: 'What does healthy look like?',
    why: 'Below the knee every resource has slack: the queue stays near empty, batches are flushed by the interval rather than by size, and latency is the flush interval plus a write.',
  },
  {
    level: 2,
    preset: 'ramp-to-collapse',
    question: 'Where is the knee, and what happens past it?',
    why: 'Past the knee the CPU is the limit and the queue that grows is the kernel\'s and the event loop\'s, not Sluice\'s, so the in-process caps see nothing. Only admission on the server\'s own delay notices.',
  },
  {
    level: 2,
    preset: 'admission-on-off',
    question: 'Does refusing early on CPU help?',
    why: 'With admission off every request is taken in and all of them slow down together. Adaptive admission refuses a share once the event-loop delay stays above its target, so the requests it accepts wait less; but a refusal is not free (the head is parsed, an answer written), and where it costs nearly what serving does, as for single small events, refusing more would only trade accepted events for nothing, so it holds back.',
  },
] as const satisfies readonly Lesson[]

/**
 * A lesson done at a terminal rather than by one button: steps, each with its exact
 * command. `{url}`, `{port}` and `{pid}` are this server's, filled in by the page.
 */
export interface HandsOnLesson {
  readonly id: string
  readonly title: string
  readonly question: string
  readonly steps: ReadonlyArray<{ readonly text: string; readonly command?: string }>
  /** What the last step shows, and why it holds. */
  readonly why: string
}

/** The spool's crash and replay, on screen: the Spool panel on the Live tab shows the replay. */
export const CRASH_LESSON: HandsOnLesson = {
  id: 'spool-crash',
  title: 'A 202 that survives a crash',
  question: 'With SLUICE_DURABILITY=spool, does every event that got a 202 reach the table after a kill -9?',
  steps: [
    { text: 'Start Sluice with the spool, on a data folder of its own so the events table starts empty (stop this server first, or use another port).', command: 'SLUICE_DURABILITY=spool SLUICE_DATA_DIR=.sluice-crash PORT={port} npm start' },
    { text: 'Make the database 60 s slow, so the events wait in the spool instead of reaching the table.', command: `curl -X PATCH {url}/api/config -H 'content-type: application/json' -d '{"dbLatencyMs": 60000}'` },
    { text: 'Run a burst (here a 10 s one at 200 requests/s; any preset on the Live tab does too) and wait for it to end.', command: `curl -X POST {url}/api/bursts -H 'content-type: application/json' -d '{"spec": {"model": "open", "shape": {"kind": "steady", "level": 200}, "durationMs": 10000, "body": {"eventsPerRequest": 10, "eventBytes": 200, "format": "ndjson"}}}'` },
    { text: 'Read how many events were answered 202 (accepted) and how many reached the table (committed: none yet).', command: `curl -s {url}/metrics | grep -E '^sluice_events_(accepted|committed)_total'` },
    { text: 'Kill the server as the OOM killer would: no drain, no goodbye. Its pid is on this page (and in the Spool panel).', command: 'kill -9 {pid}' },
    { text: 'Start it again with the same command. Before it says ready it replays the spool: its log says "spool: replayed N events", and the Spool panel on the Live tab shows Replayed at start.', command: 'SLUICE_DURABILITY=spool SLUICE_DATA_DIR=.sluice-crash PORT={port} npm start' },
    { text: 'Count the rows: the same number as the accepted events before the kill, and as the replay. Remove the folder when done.', command: 'curl -s {url}/api/events/count; rm -rf .sluice-crash' },
  ],
  why: 'In spool mode a request is answered 202 only after its events are in the spool\'s log on disk and fdatasync\'d, so a kill -9 cannot take them back. At start Sluice reads the log past the sequence number PostgreSQL last committed (kept in the same transaction as each COPY) and writes the rest before it reports ready: nothing lost, nothing twice.',
}
