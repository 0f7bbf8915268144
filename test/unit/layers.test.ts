import { readdirSync, readFileSync } from 'node:fs'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { describe, expect, it } from 'vitest'

/**
 * The server's rooms, lowest first, as README's "How it is built" draws them: each may
 * import only from its own room and the rooms before it. `shared/` imports from neither
 * side, and the dashboard never from the server.
 */
const LAYERS = [['alive.ts', 'config.ts', 'errors.ts'], ['db'], ['pipeline'], ['metrics'], ['fleet'], ['load', 'lessons'], ['http'], ['sluice.ts', 'main.ts']]

const ROOT = fileURLToPath(new URL('../..', import.meta.url))

function sources(dir: string): string[] {
  return readdirSync(path.join(ROOT, dir), { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.tsx?$/.test(file) && !file.endsWith('.d.ts'))
    .map((file) => path.join(dir, file))
}

/** Every relative import of a file, as a path from the repository root. */
function importsOf(file: string): string[] {
  const text = readFileSync(path.join(ROOT, file), 'utf8')
  return [...text.matchAll(/^(?:import|export)\b[^'"]*?from '(\.[^']+)'/gm)].map((match) => path.join(path.dirname(file), match[1]!))
}

function layerOf(file: string): number {
  const room = path.relative('server', file).split(path.sep)[0]!
  const layer = LAYERS.findIndex((rooms) => rooms.includes(room))
  if (layer === -1) throw new Error(`${file}: server/${room} is in no layer; add it to LAYERS`)
  return layer
}

describe('imports go down the layers', () => {
  it('finds the files it checks', () => {
    expect(sources('server').length).toBeGreaterThan(50)
    expect(importsOf('server/sluice.ts').length).toBeGreaterThan(5)
  })

  it('server: each room imports only from itself and the rooms below it', () => {
    const upward = sources('server').flatMap((file) =>
      importsOf(file)
        .filter((target) => target.startsWith(`server${path.sep}`) && layerOf(target) > layerOf(file))
        .map((target) => `${file} → ${target}`),
    )
    expect(upward).toEqual([])
  })

  it('shared/ imports from neither side, and web/ never from the server', () => {
    const crossing = [
      ...sources('shared').flatMap((file) => importsOf(file).filter((target) => !target.startsWith(`shared${path.sep}`)).map((target) => `${file} → ${target}`)),
      ...sources('web/src').flatMap((file) => importsOf(file).filter((target) => target.startsWith(`server${path.sep}`)).map((target) => `${file} → ${target}`)),
    ]
    expect(crossing).toEqual([])
  })
})
