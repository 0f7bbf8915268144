import type { Sql } from './client.ts'

/**
 * Idempotent migrations, applied in order under an advisory lock so two servers
 * starting against one database do not race.
 *
 * `payload` is `json`, not `jsonb`: the database validates it and keeps the text as
 * sent, instead of building a binary tree per row. COPY of ~170-byte events measured
 * here: 277k-344k rows/s into json against 165k-204k into jsonb. Cast (`payload::jsonb`)
 * or index expressions (`(payload->>'user')`) for queries; validation already refuses
 * what jsonb could not store, so the cast always succeeds.
 *
 * `event_id` uniqueness is a partial index: events without an id (most, under load)
 * pay nothing for it, and COPY stays COPY. A batch that hits a duplicate is redone
 * with INSERT ... ON CONFLICT DO NOTHING (see writers.ts).
 */
const MIGRATIONS: string[] = [
  `create table if not exists events (
     seq         bigint generated always as identity primary key,
     event_id    text,
     type        text,
     ts          timestamptz,
     received_at timestamptz not null default now(),
     payload     json not null
   )`,
  `create unique index if not exists events_event_id_key on events (event_id) where event_id is not null`,
  `create table if not exists events_dead_letter (
     seq         bigint generated always as identity primary key,
     received_at timestamptz not null default now(),
     error       text not null,
     raw         text not null
   )`,
  // Load-burst runs (server/load/store.ts): spec, summary and per-second series as JSON.
  `create table if not exists bursts (
     id          text primary key,
     name        text not null,
     status      text not null,
     started_at  timestamptz not null,
     ended_at    timestamptz,
     spec        jsonb not null,
     summary     jsonb not null,
     series      jsonb not null default '[]'
   )`,
  `create index if not exists bursts_started_at on bursts (started_at desc)`,
  // Fleet state (server/fleet/): a stop asked for by another instance, the knobs changed
  // since the fleet started (one row, versioned), and the timeline's notes.
  `alter table bursts add column if not exists stop_requested boolean not null default false`,
  `create table if not exists fleet_config (
     id          boolean primary key default true check (id),
     version     integer not null,
     knobs       jsonb not null,
     by          text not null
   )`,
  `create table if not exists fleet_annotations (
     id          integer generated always as identity primary key,
     at          bigint not null,
     text        text not null
   )`,
  // The spool's commit offsets (server/pipeline/spool/offsets.ts), written in the same transaction
  // as each batch: every seq up to spool_offsets.seq is committed, and so is each stretch
  // in spool_ranges (batches two writers committed out of order).
  `create table if not exists spool_offsets (
     instance    text primary key,
     seq         bigint not null
   )`,
  `create table if not exists spool_ranges (
     instance    text not null,
     first_seq   bigint not null,
     last_seq    bigint not null,
     primary key (instance, first_seq)
   )`,
  // The fleet's heartbeats (server/fleet/registry.ts): one row per instance, its last
  // compact snapshot as json (written whole every second, never queried inside).
  `create table if not exists sluice_instances (
     id          text primary key,
     seen_at     timestamptz not null default now(),
     snapshot    json not null
   )`,
]

const LOCK_KEY = 0x51_1c_e0

export async function migrate(sql: Sql): Promise<void> {
  await sql.begin(async (tx) => {
    await tx`select pg_advisory_xact_lock(${LOCK_KEY})`
    for (const statement of MIGRATIONS) await tx.unsafe(statement)
  })
}
