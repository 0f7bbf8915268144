import { readFileSync, rmSync, writeFileSync } from 'node:fs'
import path from 'node:path'
import { isAlive } from '../../alive.ts'

const LOCK = 'LOCK'

function owner(file: string): number {
  try {
    return Number(readFileSync(file, 'utf8'))
  } catch {
    return 0
  }
}

/**
 * One process per spool folder: two appending to one log would hand out the same
 * sequence numbers and each cut the other's half-written record as a torn tail. A `LOCK`
 * file holds the owner's pid, created exclusively; one left by a process that is gone (a
 * SIGKILL, a power cut) or by this process (a test reopening after a simulated crash) is
 * taken over. Returns the release.
 */
export function lockSpoolDirectory(dir: string): () => void {
  const file = path.join(dir, LOCK)
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      writeFileSync(file, String(process.pid), { flag: 'wx' })
      return () => {
        if (owner(file) === process.pid) rmSync(file, { force: true })
      }
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      const pid = owner(file)
      if (pid > 0 && pid !== process.pid && isAlive(pid)) {
        throw new Error(`the spool folder ${dir} is in use by process ${pid}: give each Sluice process its own SLUICE_SPOOL_DIR (or SLUICE_DATA_DIR)`)
      }
      rmSync(file, { force: true })
    }
  }
  throw new Error(`could not lock the spool folder ${dir}`)
}
