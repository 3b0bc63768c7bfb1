// A new user with too little history asks for the first forecast model: the refusal says why in the
// UI's language, with the figures (the structured error from main, worded by the renderer).
import { expect, test } from '@playwright/test';
import { startHost, type RunningHost } from './serve-fixture';

let host: RunningHost;

test.beforeAll(async () => {
  test.setTimeout(120_000);
  host = await startHost({ demo: { clients: 3, invoices: 12, seed: 4 }, store: { UI_LANGUAGE: 'it', UI_THEME: 'light' }, env: { OPENFATTURE_RAG_AUTO_UPDATE_ENABLED: 'false' } });
});

test.afterAll(async () => {
  await host?.stop();
});

test('training the first model with too few paid invoices explains it in Italian', async ({ page }) => {
  await page.goto(`${host.url}#/forecast`);
  await page.getByRole('button', { name: 'Addestra il modello' }).click();
  const alert = page.getByRole('alert').filter({ hasText: 'Dati insufficienti' });
  await expect(alert).toBeVisible({ timeout: 60_000 });
  await expect(alert).toContainText(/servono almeno 25 fatture pagate, ce ne sono \d+/);
  await expect(alert).not.toContainText('insufficient data');
});
