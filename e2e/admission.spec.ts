import { expect, test } from '@playwright/test'
import { getConfig, patchConfig } from './support/api.ts'
import { chartText, openDashboard } from './support/dashboard.ts'

test('the diagnosis says what ran out, and the admission chart and knob follow the controller', async ({ page, request }) => {
  const original = await getConfig(request)
  try {
    await openDashboard(page)
    const diagnosis = page.getByRole('status', { name: 'Diagnosis' })
    await expect(diagnosis).toHaveAttribute('data-bottleneck', 'none')
    await expect(diagnosis).toContainText('Keeping up')
    await expect.poll(() => chartText(page, 'admission', 'mode')).toBe(original.admission)

    await page.getByLabel('Admission mode').selectOption('off')
    await expect.poll(async () => (await getConfig(request)).admission).toBe('off')
    await expect.poll(() => chartText(page, 'admission', 'mode')).toBe('off')
    await expect(page.getByRole('figure', { name: 'Admission on CPU' })).toContainText('nothing is refused on CPU')
    await expect.poll(() => chartText(page, 'admission', 'mark-texts')).toContain(`Admission ${original.admission} → off`)
    await expect(page.getByRole('figure', { name: 'Inflight requests and connections' })).toContainText('connections open')
  } finally {
    await patchConfig(request, { admission: original.admission })
  }
})
