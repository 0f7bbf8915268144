export const WINDOWS = [
  { ms: 60_000, label: '1 min' },
  { ms: 5 * 60_000, label: '5 min' },
  { ms: 15 * 60_000, label: '15 min' },
] as const

/** The charts' rolling window. */
export function WindowPicker({ value, onChange }: { value: number; onChange: (ms: number) => void }) {
  return (
    <div role="radiogroup" aria-label="Time window" className="segmented">
      {WINDOWS.map((w) => (
        <button key={w.ms} type="button" role="radio" aria-checked={value === w.ms} className={value === w.ms ? 'active' : ''} onClick={() => onChange(w.ms)}>
          {w.label}
        </button>
      ))}
    </div>
  )
}
