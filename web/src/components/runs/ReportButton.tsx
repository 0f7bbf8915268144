import type { BurstRecord } from '../../../../shared/bursts.ts'
import { renderReport, reportFileName } from '../../../../shared/report.ts'

/**
 * Saves the run's HTML report, made here from the record already on screen by the same
 * function the server and the CLI use, so it is the same file and needs no request.
 */
export function ReportButton({ record }: { record: BurstRecord }) {
  const save = () => {
    const url = URL.createObjectURL(new Blob([renderReport(record)], { type: 'text/html;charset=utf-8' }))
    const link = document.createElement('a')
    link.href = url
    link.download = reportFileName(record.id)
    link.click()
    // The download has its own copy once it starts; the next task is late enough to let go.
    setTimeout(() => URL.revokeObjectURL(url), 0)
  }
  return (
    <button type="button" className="primary small" onClick={save}>
      Download HTML report
    </button>
  )
}
