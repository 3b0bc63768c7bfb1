// What a user sees on the Knowledge index page: Pause auto-update, create invoices (the pending count
// grows while paused), Resume, and the queue drains to 0 with a new batch row.
import { expect, test } from '@playwright/test';
import { indexSettled, startHost, type RunningHost } from './serve-fixture';

let host: RunningHost;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  host = await startHost({ store: { UI_LANGUAGE: 'en', UI_THEME: 'light' } });
  await indexSettled(host);
});

test.afterAll(async () => {
  await host?.stop();
});

test('pause lets changes accumulate; resume drains them to 0', async ({ page }) => {
  test.setTimeout(180_000);
  await page.goto(`${host.url}#/knowledge`);
  const pending = page.getByTestId('pending-count');
  await expect(pending).toHaveText('0');
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByRole('button', { name: 'Resume' })).toBeVisible();
  const batchesBefore = await page.getByTestId('batch-row').count();

  const clients = (await host.call('clients:list', { limit: 3 })).items;
  for (const [i, c] of clients.entries()) {
    await host.call('invoices:create', { clientId: c.id, lines: [{ description: `Canone assistenza ${i + 1}`, quantity: 1, unitPriceCents: 25_000 + i, vatRate: 22 }] });
  }
  // Live: the count grows on the page without a reload, and stays while paused.
  await expect.poll(async () => Number(await pending.innerText()), { timeout: 30_000 }).toBeGreaterThanOrEqual(3);
  await page.waitForTimeout(2_500);
  expect(Number(await pending.innerText())).toBeGreaterThanOrEqual(3);
  await expect(page.getByTestId('pending-row').first()).toBeVisible();

  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(pending).toHaveText('0', { timeout: 90_000 });
  await expect.poll(async () => page.getByTestId('batch-row').count(), { timeout: 30_000 }).toBeGreaterThan(Math.min(batchesBefore, 19));
  // The new invoices are searchable.
  await page.getByRole('searchbox', { name: 'Search the index' }).or(page.getByRole('textbox', { name: 'Search the index' })).fill('Canone assistenza');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('search-hit').first()).toBeVisible();
});
