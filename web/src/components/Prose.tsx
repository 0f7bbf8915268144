/** Text with `code` spans, as preset descriptions are written: the backticks become <code>, not characters on screen. */
export function Prose({ text }: { text: string }) {
  const parts = text.split('`')
  // An unpaired backtick is shown as typed rather than swallowing the rest of the text.
  if (parts.length % 2 === 0) return <>{text}</>
  return <>{parts.map((part, i) => (i % 2 ? <code key={i}>{part}</code> : part))}</>
}
