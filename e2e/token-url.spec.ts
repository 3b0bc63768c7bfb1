// The access token in the printed address: once the page has loaded it is gone from the address bar
// (history, bookmarks, screen shares) and kept only for the tab; a reload still reaches the host over
// the WebSocket, while the bare address in a fresh browser is refused.
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

test('after load the address has no token; a reload still works; the bare address alone is refused', async ({ page, browser }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  expect(host.url).toContain(`token=${host.token}`);
  await page.goto(`${host.url}#/knowledge`);
  // Data that only the host's WebSocket can deliver: the worker's state from status:get.
  await expect(page.getByTestId('indicator-worker')).toHaveText(/Worker (ready|busy)/);
  await expect.poll(() => page.url()).not.toContain('token');
  const address = new URL(page.url());
  expect(address.search).toBe('');
  expect(address.hash).toBe('#/knowledge');
  const kept = await page.evaluate(() => (globalThis as unknown as { sessionStorage: { getItem(k: string): string | null } }).sessionStorage.getItem('openfatture.token'));
  expect(kept).toBe(host.token);

  await page.reload();
  await expect(page.getByRole('banner').getByRole('heading', { level: 1 })).toHaveText('Knowledge index');
  await expect(page.getByTestId('indicator-worker')).toHaveText(/Worker (ready|busy)/);
  await expect(page.getByTestId('indicator-offline')).toHaveCount(0);
  expect(page.url()).not.toContain('token');
  await page.screenshot({ path: 'test-results/token-url-after-reload.png' });

  // What the address bar now shows gives no access on its own.
  const fresh = await browser.newContext();
  try {
    const other = await fresh.newPage();
    const response = await other.goto(page.url());
    expect(response?.status()).toBe(401);
  } finally {
    await fresh.close();
  }
  expect(errors).toEqual([]);
});
