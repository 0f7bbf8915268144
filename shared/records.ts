/**
 * A record with one entry per key. `Object.fromEntries` types its result by string, so
 * each table built from an `as const` list needed a cast; this keeps the keys' type.
 */
export function recordOf<K extends string, V>(keys: readonly K[], value: (key: K, index: number) => V): Record<K, V> {
  return Object.fromEntries(keys.map((key, index) => [key, value(key, index)])) as Record<K, V>
}

/** Zero for every key: the start of a count by reason, by trigger, by kind. */
export const zeroCounts = <K extends string>(keys: readonly K[]): Record<K, number> => recordOf(keys, () => 0)
