// Entry of the generator thread. A worker does not inherit tsx's loader, so it is
// registered here before the TypeScript is imported (docs/stack-notes.md, "tsx").
import { register } from 'tsx/esm/api'

register()
await import('./worker.ts')
