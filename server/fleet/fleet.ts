import type { Annotation } from '../../shared/sse.ts'
import type { Config } from '../config.ts'
import { createSql, type Sql } from '../db/client.ts'
import type { Telemetry } from '../metrics/telemetry.ts'
import type { Pipeline } from '../pipeline/pipeline.ts'
import { FleetAnnotations } from './annotations.ts'
import { burstFleet, stopRequested, type BurstFleet, type BurstRunner } from './bursts.ts'
import { newSender, openChannel, type FleetChannel, type FleetEnvelope } from './channel.ts'
import { FleetKnobs } from './knobs.ts'
import { joinFleet, type FleetSession } from './session.ts'

/**
 * This instance as one of a fleet: every instance (worker or machine) on one database
 * shares its live knobs, its annotations and one burst slot. See docs/fleet.md.
 */
export interface Fleet {
  readonly bursts: BurstFleet
  /** POST /api/annotations: a note on every instance's timeline. */
  annotate(text: string): Promise<Annotation>
  /** Once the telemetry and the burst manager exist: notes and burst progress flow both ways. */
  attach(telemetry: Telemetry, runner: BurstRunner): Promise<void>
  /** Leaves the fleet; safe to call twice. */
  close(): Promise<void>
}

export interface FleetOptions {
  readonly config: Config
  /** The pool the pipeline writes with: the tables are read and written through it. */
  readonly sql: Sql
  /** The database's URL, for the session connection unless SLUICE_FLEET_DATABASE_URL says otherwise. */
  readonly databaseUrl: string
  readonly pipeline: Pipeline
  readonly log: (line: string) => void
}

/** What a fleet that starts afresh forgets: the last one's knob changes and notes. */
export async function clearFleetState(sql: Sql): Promise<void> {
  await FleetKnobs.clear(sql)
  await FleetAnnotations.clear(sql)
}

/**
 * Connections that need a session (LISTEN, advisory locks), so that PgBouncer's
 * transaction mode must be bypassed for them: `max` 1 for the locks (a session of its
 * own), or a small pool for NOTIFY, beside which LISTEN opens its own connection.
 */
export function fleetSessionSql(config: Config, databaseUrl: string, max: number): Sql {
  return createSql(config.fleetDatabaseUrl ?? databaseUrl, { max, prepare: config.dbPrepare })
}

/** Joins the fleet and applies its current knobs before this instance serves. */
export async function startFleet({ config, sql, databaseUrl, pipeline, log }: FleetOptions): Promise<Fleet> {
  const lockSql = fleetSessionSql(config, databaseUrl, 1)
  const channelSql = fleetSessionSql(config, databaseUrl, 1)
  try {
    const session = await joinFleet(lockSql, () => clearFleetState(sql))
    return await connected(channelSql, session, { config, sql, databaseUrl, pipeline, log })
  } catch (error) {
    await lockSql.end({ timeout: 1 })
    await channelSql.end({ timeout: 1 })
    throw error
  }
}

async function connected(channelSql: Sql, session: FleetSession, { config, sql, pipeline, log }: FleetOptions): Promise<Fleet> {
  const sender = newSender()
  const knobs = new FleetKnobs(sql, pipeline, log, sender)
  let annotations: FleetAnnotations | undefined
  let telemetry: Telemetry | undefined
  let runner: BurstRunner | undefined

  const catchUp = async () => {
    await session.renew()
    await knobs.catchUp()
    await annotations?.catchUp()
    const running = runner?.running
    if (running !== undefined && (await stopRequested(sql, running))) await runner!.stopHere(running)
  }
  const receive = ({ from, message }: FleetEnvelope) => {
    switch (message.type) {
      case 'knobs':
        return knobs.apply(message)
      case 'annotation':
        return annotations?.receive(message)
      case 'burst':
        // Our own progress is on our stream already.
        if (from !== sender) telemetry?.hub.publish('burst', message.progress)
        return
      case 'burst-stop':
        return void runner?.stopHere(message.id)
      case 'ping':
        return
    }
  }
  let failing = false
  let channel: FleetChannel | undefined
  const poll = () =>
    catchUp()
      .then(() => channel?.check())
      .then(
      () => {
        if (failing) log('fleet: reading the fleet state works again')
        failing = false
      },
      (error: Error) => {
        if (!failing) log(`fleet: cannot read the fleet state (${error.message}); retrying every ${config.fleetPollMs} ms`)
        failing = true
      },
    )
  // Listen first, then read: a change made in between arrives as a message.
  channel = await openChannel(channelSql, sender, receive, () => void catchUp().catch(() => {}), log)
  const opened = channel
  await knobs.catchUp()
  const stopSharing = pipeline.onKnobsChanged((change) => knobs.share(change))
  let polling: Promise<void> | undefined
  const timer = setInterval(() => {
    polling ??= poll().finally(() => (polling = undefined))
  }, config.fleetPollMs)
  timer.unref()

  let closing: Promise<void> | undefined
  return {
    bursts: burstFleet(session, sql, opened),
    annotate: async (text) => {
      if (!annotations) throw new Error('the fleet is not attached to the telemetry yet')
      return annotations.add(text)
    },
    async attach(live, burstRunner) {
      telemetry = live
      runner = burstRunner
      const notes = live.annotations
      annotations = new FleetAnnotations(sql, notes, config.historySeconds * 1000, sender, (note) => {
        const annotation = { ...note, afterSeq: live.sampler.latest?.seq ?? 0 }
        if (notes.keep(annotation)) live.hub.publish('annotation', annotation)
      })
      burstRunner.onProgress((progress) => void opened.send({ type: 'burst', progress }).catch(() => {}))
      await annotations.catchUp()
    },
    close: () =>
      (closing ??= (async () => {
        clearInterval(timer)
        stopSharing()
        // A knob change made just before the stop still reaches the fleet.
        await knobs.settled()
        await polling
        await opened.close()
        await session.close()
        await channelSql.end({ timeout: 1 })
      })()),
  }
}
