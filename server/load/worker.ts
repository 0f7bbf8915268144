import { parentPort, workerData } from 'node:worker_threads'
import { startGenerator } from './generator.ts'
import type { GeneratorInput, GeneratorMessage, ParentMessage } from './protocol.ts'

// The generator thread: runs one burst, posts its windows, stops when told.
const port = parentPort!
const post = (message: GeneratorMessage) => port.postMessage(message)
try {
  const generator = startGenerator(workerData as GeneratorInput, post)
  port.on('message', (message: ParentMessage) => {
    if (message.type === 'stop') generator.stop()
  })
  post({ type: 'done', result: await generator.done })
} catch (error) {
  post({ type: 'failed', error: (error as Error).stack ?? String(error) })
}
port.close()
