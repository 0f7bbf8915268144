/**
 * A strict reader of the Prometheus text exposition format (version 0.0.4): every line
 * must be a HELP, a TYPE, a comment, blank, or a well-formed sample of a family whose
 * TYPE came first; families are contiguous; no series repeats. Throws naming the line.
 */

export type FamilyType = 'counter' | 'gauge' | 'histogram' | 'summary' | 'untyped'

export interface Sample {
  name: string
  labels: Record<string, string>
  value: number
}

export interface Family {
  name: string
  type: FamilyType
  help: string | undefined
  samples: Sample[]
}

const METRIC_NAME = '[a-zA-Z_:][a-zA-Z0-9_:]*'
const LABEL_NAME = '[a-zA-Z_][a-zA-Z0-9_]*'
const LABEL_VALUE = '"(?:[^"\\\\\\n]|\\\\[\\\\"n])*"'
const LABEL = `${LABEL_NAME}=${LABEL_VALUE}`
const VALUE = '[+-]?(?:[0-9]*\\.?[0-9]+(?:[eE][+-]?[0-9]+)?|[0-9]+\\.)|[+-]?[Ii][Nn][Ff]|[Nn][Aa][Nn]'
const SAMPLE = new RegExp(`^(${METRIC_NAME})(?:\\{((?:${LABEL})(?:,${LABEL})*,?)?\\})? (${VALUE})(?: (-?[0-9]+))?$`)
const HELP = new RegExp(`^# HELP (${METRIC_NAME}) (.*)$`)
const TYPE = new RegExp(`^# TYPE (${METRIC_NAME}) (counter|gauge|histogram|summary|untyped)$`)
const LABEL_PAIR = new RegExp(`(${LABEL_NAME})=(${LABEL_VALUE})`, 'g')

const SUFFIXES: Record<FamilyType, string[]> = {
  counter: [''],
  gauge: [''],
  untyped: [''],
  histogram: ['_bucket', '_sum', '_count'],
  summary: ['', '_sum', '_count'],
}

function parseValue(text: string): number {
  if (/^nan$/i.test(text)) return Number.NaN
  if (/^[+-]?inf$/i.test(text)) return text.startsWith('-') ? -Infinity : Infinity
  return Number(text)
}

function familyOf(sampleName: string, families: Map<string, Family>): Family | undefined {
  for (const suffix of ['_bucket', '_sum', '_count', '']) {
    if (!sampleName.endsWith(suffix)) continue
    const family = families.get(sampleName.slice(0, sampleName.length - suffix.length))
    if (family && SUFFIXES[family.type].includes(suffix)) return family
  }
  return undefined
}

export function parseExposition(text: string): Map<string, Family> {
  if (!text.endsWith('\n')) throw new Error('exposition must end with a newline')
  const families = new Map<string, Family>()
  const finished = new Set<string>()
  const series = new Set<string>()
  let current: Family | undefined
  const lines = text.slice(0, -1).split('\n')
  lines.forEach((line, index) => {
    const fail = (why: string) => {
      throw new Error(`line ${index + 1}: ${why}: ${JSON.stringify(line)}`)
    }
    if (line === '') return
    if (line.startsWith('#')) {
      const help = HELP.exec(line)
      const type = TYPE.exec(line)
      const name = help?.[1] ?? type?.[1]
      if (!name) {
        if (/^# (HELP|TYPE)\b/.test(line)) fail('malformed HELP or TYPE')
        return
      }
      if (finished.has(name)) fail('family appears twice')
      let family = families.get(name)
      if (family && family.samples.length > 0) fail('HELP or TYPE after samples')
      if (!family) {
        family = { name, type: 'untyped', help: undefined, samples: [] }
        families.set(name, family)
        if (current && current.name !== name) finished.add(current.name)
        current = family
      }
      if (help) {
        if (family.help !== undefined) fail('second HELP')
        family.help = help[2]!
      }
      if (type) {
        if (family.type !== 'untyped') fail('second TYPE')
        family.type = type[2] as FamilyType
      }
      return
    }
    const match = SAMPLE.exec(line)
    if (!match) fail('not a valid sample line')
    const [, name, labelText, valueText] = match!
    const family = familyOf(name!, families)
    if (!family || family.type === 'untyped') fail('sample without a TYPE before it')
    if (current !== family) fail('samples of a family are not contiguous')
    const labels: Record<string, string> = {}
    for (const [, key, quoted] of (labelText ?? '').matchAll(LABEL_PAIR)) {
      if (key! in labels) fail(`label ${key} twice`)
      // The format's three escapes (backslash, quote, newline) are written as JSON writes them.
      labels[key!] = JSON.parse(quoted!) as string
    }
    const id = `${name}${JSON.stringify(Object.entries(labels).sort())}`
    if (series.has(id)) fail('series repeated')
    series.add(id)
    family!.samples.push({ name: name!, labels, value: parseValue(valueText!) })
  })
  for (const family of families.values()) if (family.type === 'histogram') checkHistogram(family)
  return families
}

/** In each labelled series, buckets grow with `le`, end at +Inf, and +Inf equals _count. */
function checkHistogram(family: Family): void {
  const key = (labels: Record<string, string>) => JSON.stringify(Object.entries(labels).filter(([k]) => k !== 'le').sort())
  const series = new Map<string, Sample[]>()
  for (const sample of family.samples) {
    if (sample.name === `${family.name}_bucket`) series.set(key(sample.labels), [...(series.get(key(sample.labels)) ?? []), sample])
  }
  for (const [labels, buckets] of series) {
    const count = family.samples.find((s) => s.name === `${family.name}_count` && key(s.labels) === labels)
    const les = buckets.map((b) => parseValue(b.labels.le ?? 'missing'))
    if (les.some(Number.isNaN)) throw new Error(`${family.name}${labels}: bucket without a numeric le`)
    for (let i = 1; i < buckets.length; i++) {
      if (!(les[i]! > les[i - 1]!) || buckets[i]!.value < buckets[i - 1]!.value) throw new Error(`${family.name}${labels}: buckets out of order`)
    }
    if (les.at(-1) !== Infinity || !count || buckets.at(-1)!.value !== count.value) throw new Error(`${family.name}${labels}: +Inf bucket must equal _count`)
  }
}

/** The value of the one sample of `name` whose labels include `labels`. */
export function valueOf(families: Map<string, Family>, name: string, labels: Record<string, string> = {}): number {
  const family = familyOf(name, families)
  const matches = family?.samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)) ?? []
  if (matches.length !== 1) throw new Error(`${matches.length} samples of ${name} ${JSON.stringify(labels)}`)
  return matches[0]!.value
}
