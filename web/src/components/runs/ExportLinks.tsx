/** Downloads of one run as the server keeps it: the JSON record, and its series as CSV. */
export function ExportLinks({ id, name }: { id: string; name: string }) {
  const path = `/api/bursts/${encodeURIComponent(id)}`
  return (
    <span className="export-links">
      <a href={path} download={`burst-${id}.json`} aria-label={`Export ${name} (${id}) as JSON`}>
        JSON
      </a>
      <a href={`${path}?format=csv`} download={`burst-${id}.csv`} aria-label={`Export ${name} (${id}) as CSV`}>
        CSV
      </a>
    </span>
  )
}
