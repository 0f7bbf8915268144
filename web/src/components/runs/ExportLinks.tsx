import { reportFileName } from '../../../../shared/report.ts'

/** Downloads of one run as the server keeps it: the JSON record, its series as CSV, and the self-contained HTML report. */
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
      <a href={`${path}?format=html`} download={reportFileName(id)} aria-label={`Export ${name} (${id}) as an HTML report`}>
        HTML
      </a>
    </span>
  )
}
