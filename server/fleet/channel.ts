import { randomBytes } from 'node:crypto'
import type { BurstProgress } from '../../shared/bursts.ts'
import type { LiveConfig } from '../../shared/config.ts'
import type { Sql } from '../db/client.ts'

/** The one LISTEN/NOTIFY channel every instance on a database shares. */
export const FLEET_CHANNEL = 'sluice_fleet'

// PostgreSQL refuses a NOTIFY payload of 8000 bytes or more.
const MAX_PAYLOAD_BYTES = 7_900

/** What instances tell each other. Knobs and annotations are also in tables, for whoever missed the message. */
export type FleetMessage =
  | { readonly type: 'knobs'; readonly version: number; readonly knobs: Partial<LiveConfig>; readonly by: string }
  | { readonly type: 'annotation'; readonly id: number; readonly at: number; readonly text: string }
  | { readonly type: 'burst'; readonly progress: BurstProgress }
  | { readonly type: 'burst-stop'; readonly id: string }
  /** To itself: proof that its listening connection still hears the channel. */
  | { readonly type: 'ping'; readonly nonce: number }

/** On the wire: who sent it, so a sender can skip its own echo. */
export interface FleetEnvelope {
  readonly from: string
  readonly message: FleetMessage
}

/** A sender id on the channel: one per fleet member, unlike an instance name, which a restart reuses. */
export const newSender = () => randomBytes(8).toString('hex')

export interface FleetChannel {
  /** Sends a message to every instance listening (this one included); false when it is too big to send. */
  send(message: FleetMessage): Promise<boolean>
  /**
   * Called on every poll: listens again if the ping sent on the last one did not come
   * back, then sends the next.
   */
  check(): Promise<void>
  close(): Promise<void>
}

/**
 * Listens on the fleet channel through `sql` (a session-mode connection: LISTEN needs
 * one). `onListen` runs after every (re)connect of the listening connection, so whatever
 * was sent while it was down can be read back from the tables.
 *
 * postgres.js listens again by itself when its connection closes, but only once: during
 * a database restart that attempt fails and the channel is gone for good. So the channel
 * pings itself on every poll, and listens again when a ping did not come back.
 */
export async function openChannel(sql: Sql, sender: string, onMessage: (envelope: FleetEnvelope) => void, onListen: () => void, log: (line: string) => void): Promise<FleetChannel> {
  let pinged = 0
  let heard = true
  const receive = (payload: string) => {
    let envelope: FleetEnvelope
    try {
      envelope = JSON.parse(payload) as FleetEnvelope
    } catch {
      return log(`fleet: ignored a message that is not JSON on ${FLEET_CHANNEL}`)
    }
    if (envelope.message?.type === 'ping') {
      if (envelope.from === sender && envelope.message.nonce === pinged) heard = true
      return
    }
    try {
      onMessage(envelope)
    } catch (error) {
      log(`fleet: handling a ${envelope.message?.type} message failed: ${(error as Error).message}`)
    }
  }
  const send = async (message: FleetMessage): Promise<boolean> => {
    const payload = JSON.stringify({ from: sender, message } satisfies FleetEnvelope)
    if (Buffer.byteLength(payload) > MAX_PAYLOAD_BYTES) {
      log(`fleet: a ${message.type} message of ${Buffer.byteLength(payload)} bytes is over NOTIFY's limit; not sent`)
      return false
    }
    await sql.notify(FLEET_CHANNEL, payload)
    return true
  }
  let listening = await sql.listen(FLEET_CHANNEL, receive, onListen)
  return {
    send,
    async check() {
      if (!heard) {
        log(`fleet: no answer on ${FLEET_CHANNEL} to the last ping; listening again`)
        await listening.unlisten().catch(() => {})
        listening = await sql.listen(FLEET_CHANNEL, receive, onListen)
      }
      heard = false
      await send({ type: 'ping', nonce: ++pinged })
    },
    async close() {
      await listening.unlisten().catch(() => {})
    },
  }
}
