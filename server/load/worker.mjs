// Entry of the generator process. It is forked without the server's node flags (a
// debugger port or a test runner's hooks must not be inherited), so tsx's loader is
// registered here before the TypeScript is imported.
import { register } from 'tsx/esm/api'

register()
await import('./worker.ts')
