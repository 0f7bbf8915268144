import { expect, test } from '@playwright/test'
import { chartNumber, openDashboard } from './support/dashboard.ts'
import { startSecondInstance, type SecondInstance } from './support/second-instance.ts'

const ID = 'e2e-second'
let second: SecondInstance | undefined

test.afterEach(async () => {
  await second?.stop()
  await second?.forget()
  second = undefined
})

test('a second instance on the same database shows in the Instances panel and as its own queue line, then as gone once stopped', async ({ page }) => {
  await openDashboard(page)
  // Alone, the dashboard is as it always was.
  await expect(page.getByRole('table', { name: 'Instances' })).toHaveCount(0)

  second = await startSecondInstance(ID)
  const table = page.getByRole('table', { name: 'Instances' })
  await expect(table.locator('tbody tr')).toHaveCount(2)
  await expect(table.locator(`tr[data-instance="${ID}"]`)).toHaveAttribute('data-state', 'serving')
  await expect(table.locator(`tr[data-instance="${ID}"]`)).toContainText(`pid ${second.child.pid}`)
  await expect.poll(() => chartNumber(page, 'queue', 'instance-lines')).toBe(2)

  await second.stop()
  await expect(table.locator(`tr[data-instance="${ID}"]`)).toHaveAttribute('data-state', 'gone')
  await expect(page.locator('section[data-instances]')).toHaveAttribute('data-live', '1')

  // Forgotten (its row deleted), it leaves the list: one instance again, no panel.
  await second.forget()
  await expect(table).toHaveCount(0)
})
