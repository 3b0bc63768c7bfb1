// What a user sees: an invoice created in Data reaches the knowledge index within debounce + 3 s and
// is among "today's invoices" in the assistant, cited as a source.
import { expect, test } from '@playwright/test';
import { ask } from './assistant-steps';
import { indexSettled, startHost, type RunningHost } from './serve-fixture';

const DEBOUNCE_S = 1;
let host: RunningHost;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  host = await startHost({ debounceSeconds: DEBOUNCE_S, store: { UI_LANGUAGE: 'en', UI_THEME: 'light' } });
  await indexSettled(host);
});

test.afterAll(async () => {
  await host?.stop();
});

test('an invoice created in Data is among today’s invoices in the assistant', async ({ page }) => {
  const client = (await host.call('clients:list', { limit: 1 })).items[0]!;
  await page.goto(`${host.url}#/data`);
  await page.getByTestId('new-invoice').click();
  const dialog = page.getByTestId('invoice-dialog');
  await dialog.getByLabel('Client', { exact: true }).selectOption(String(client.id));
  await dialog.getByLabel('Line 1 description').fill('Revisione bilancio e2e');
  await dialog.getByLabel('Line 1 price').fill('1234,50');
  await dialog.getByRole('button', { name: 'Create invoice' }).click();
  await expect(dialog).toBeHidden();
  // The newest invoice is ours (highest id); the page confirmed it with its number.
  const all = (await host.call('invoices:list', { limit: 1000 })).items;
  const created = [all.reduce((a, b) => (b.id > a.id ? b : a))];
  expect(created[0]!.totalCents).toBe(150_609);
  const label = created[0]!.label;
  await expect(page.getByText(`Invoice ${label} created`)).toBeVisible();
  const createdAt = Date.now();
  // Freshness: the knowledge index has it (hybrid search by its number) within debounce + 3 s.
  await expect
    .poll(async () => (await host.call('index:search', { query: label, k: 5 })).hits.some((h) => h.entityType === 'invoice' && h.entityId === created[0]!.id), {
      timeout: (DEBOUNCE_S + 3) * 1000,
      intervals: [200],
    })
    .toBe(true);
  expect(Date.now() - createdAt).toBeLessThanOrEqual((DEBOUNCE_S + 3) * 1000 + 500);

  // And the assistant lists it among today's invoices, citing it as a source.
  await page.goto(`${host.url}#/assistant`);
  const answer = await ask(page, 'What invoices did I create today?');
  await expect(answer.getByTestId('answer-text')).toContainText(label);
  await expect(answer.getByRole('group', { name: 'Sources' }).getByRole('button', { name: new RegExp(label.replace('/', '\\/')) })).toBeVisible();
});
