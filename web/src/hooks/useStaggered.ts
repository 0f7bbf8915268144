import { useEffect, useState } from 'react'
import { flushSync } from 'react-dom'

/**
 * Milliseconds between two charts' turns: about a frame, so each chart's layout and paint
 * land in a frame of their own; nine charts still fit inside one 250 ms tick.
 */
const SLOT_MS = 16

/**
 * Hands `value` on `index` slots later, each in a task of its own. Nine charts that
 * change together then draw one after another, so no single task holds the main thread
 * for the cost of all of them (Chromium's long-task threshold is 50 ms).
 */
export function useStaggered<T>(value: T, index: number): T {
  const [shown, setShown] = useState(value)
  useEffect(() => {
    if (Object.is(shown, value)) return
    // flushSync: render this one chart now, in this timer's task, not batched with the others.
    const timer = setTimeout(() => flushSync(() => setShown(value)), index * SLOT_MS)
    return () => clearTimeout(timer)
  }, [value, shown, index])
  return shown
}
