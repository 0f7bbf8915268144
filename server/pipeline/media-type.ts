/** A Content-Type value split as RFC 9110 §8.3.1 defines it. */
export interface MediaType {
  /** `type/subtype`, lowercased. */
  readonly essence: string
  /** Parameter names lowercased; values unquoted, case kept. */
  readonly parameters: ReadonlyMap<string, string>
}

// RFC 9110 §5.6.2 token, §5.6.4 quoted-string (qdtext and quoted-pair, obs-text included).
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+"
const QUOTED = '"(?:[\\t !#-\\[\\]-~\\x80-\\xff]|\\\\[\\t -~\\x80-\\xff])*"'
const ESSENCE = new RegExp(`^(${TOKEN})/(${TOKEN})`, 'y')
// parameters = *( OWS ";" OWS [ parameter ] ): empty parameters are allowed.
const PARAMETER = new RegExp(`[ \\t]*;[ \\t]*(?:(${TOKEN})=(${TOKEN}|${QUOTED}))?`, 'y')
const TRAILING_SPACE = /[ \t]*$/y

/** Parses a Content-Type header; undefined when it is not a media type. */
export function parseMediaType(value: string): MediaType | undefined {
  ESSENCE.lastIndex = 0
  const essence = ESSENCE.exec(value)
  if (!essence) return undefined
  const parameters = new Map<string, string>()
  let at = ESSENCE.lastIndex
  for (;;) {
    PARAMETER.lastIndex = at
    const parameter = PARAMETER.exec(value)
    if (!parameter) break
    at = PARAMETER.lastIndex
    const [, name, raw] = parameter
    if (name === undefined || raw === undefined) continue
    const unquoted = raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw
    const key = name.toLowerCase()
    // The same parameter twice with two values is ambiguous; a reader that took the other one would disagree.
    const seen = parameters.get(key)
    if (seen !== undefined && seen !== unquoted) return undefined
    parameters.set(key, unquoted)
  }
  TRAILING_SPACE.lastIndex = at
  TRAILING_SPACE.exec(value)
  if (TRAILING_SPACE.lastIndex !== value.length) return undefined
  return { essence: `${essence[1]}/${essence[2]}`.toLowerCase(), parameters }
}
