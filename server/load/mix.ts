import { BAD_KINDS, type BurstSpec, type RequestKind } from '../../shared/bursts.ts'

/**
 * Picks the kind of each next request so that every kind's share is met within one
 * request at any point of the run, spread out rather than in runs (smooth weighted
 * round-robin): a short burst gets the mix it asked for, which a coin toss would not.
 */
export function requestMix(spec: BurstSpec): () => RequestKind {
  const shares = new Map<RequestKind, number>()
  let bad = 0
  for (const kind of BAD_KINDS) {
    const share = spec.bad?.[kind] ?? 0
    if (share > 0) shares.set(kind, share)
    bad += share
  }
  if (bad < 1) shares.set('normal', 1 - bad)
  const entries = [...shares]
  const credit = entries.map(() => 0)
  return function nextKind(): RequestKind {
    let best = 0
    for (let i = 0; i < entries.length; i++) {
      credit[i]! += entries[i]![1]
      if (credit[i]! > credit[best]!) best = i
    }
    credit[best]! -= 1
    return entries[best]![0]
  }
}
