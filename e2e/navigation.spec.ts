// Moving around with the left navigation (a hash-only URL change, the page is not reloaded): every
// page's heading renders and no uncaught error fires in the page while switching.
import { expect, test } from '@playwright/test';
import { startHost, type RunningHost } from './serve-fixture';

let host: RunningHost;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  host = await startHost({ demo: { clients: 4, invoices: 60 }, store: { UI_LANGUAGE: 'en', UI_THEME: 'light' } });
});

test.afterAll(async () => {
  await host?.stop();
});

test('every navigation item opens its page without a page error', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(`${e.message}\n${e.stack ?? ''}`));
  await page.goto(`${host.url}#/assistant`);
  const nav = page.getByRole('navigation');
  const items = nav.locator('button.nav-item');
  await expect(items.first()).toBeVisible();
  const labels = (await items.allInnerTexts()).map((s) => s.trim());
  expect(labels.length).toBeGreaterThanOrEqual(7);
  // Twice round, so every page is also left (its effects cleaned up) at least once.
  for (const round of [1, 2]) {
    for (const [i, label] of labels.entries()) {
      await items.nth(i).click();
      // Let the page's effects and first loads run (and the previous page's cleanups) before checking.
      await page.waitForTimeout(300);
      expect(errors, `page errors after opening ${label} (round ${round})`).toEqual([]);
      await expect(page.getByRole('banner').getByRole('heading', { level: 1 })).toHaveText(label);
      await expect(items.nth(i)).toHaveAttribute('aria-current', 'page');
    }
  }
  // Back through the browser history: again only the hash changes.
  await page.goBack();
  await expect(page.getByRole('banner').getByRole('heading', { level: 1 })).toHaveText(labels[labels.length - 2]!);
  expect(errors).toEqual([]);
});
