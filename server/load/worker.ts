import { startGenerator, type RunningGenerator } from './generator.ts'
import type { GeneratorMessage, ParentMessage } from './protocol.ts'

// The generator's own process, forked by run.ts: waits for `start`, runs that one burst,
// sends its windows over IPC, stops when told. It never outlives the server: when the
// IPC channel closes (the server is done with it, exited, or was killed) it exits.
if (!process.send) throw new Error('the burst generator runs as a child of the server (run.ts forks it)')

// A send racing the channel's close fails with EPIPE: that is the normal end, not a crash.
const post = (message: GeneratorMessage) => {
  if (process.connected) process.send!(message, undefined, {}, () => {})
}
process.on('disconnect', () => process.exit(0))

let generator: RunningGenerator | undefined
process.on('message', (message: ParentMessage) => {
  if (message.type === 'stop') return generator?.stop()
  if (message.type === 'level') {
    const change = generator?.setLevel(message.level)
    if (change) post({ type: 'level', ...change })
    return
  }
  if (generator) return
  try {
    generator = startGenerator(message.input, post)
  } catch (error) {
    return post({ type: 'failed', error: (error as Error).stack ?? String(error) })
  }
  generator.done.then(
    (result) => post({ type: 'done', result }),
    (error: unknown) => post({ type: 'failed', error: (error as Error).stack ?? String(error) }),
  )
})
