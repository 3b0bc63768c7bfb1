// What a user sees on Settings: a bad value shows an inline error and is not saved; a good value is
// saved, applied, and still there after a reload (and in the settings store on disk).
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { startHost, type RunningHost } from './serve-fixture';

let host: RunningHost;

test.beforeAll(async () => {
  test.setTimeout(180_000);
  host = await startHost({ demo: null, store: { UI_LANGUAGE: 'en', UI_THEME: 'light' }, env: { OPENFATTURE_ML_TOLERANCE_DAYS: '9' } });
});

test.afterAll(async () => {
  await host?.stop();
});

test('bad value: inline error, not saved; good value: persists across reload', async ({ page }) => {
  await page.goto(`${host.url}#/settings`);
  const row = page.getByTestId('setting-RAG_AUTO_UPDATE_BATCH_SIZE');
  const input = row.locator('input');
  await expect(input).toHaveValue('50');

  await input.fill('abc');
  await input.press('Enter');
  await expect(page.getByTestId('setting-error-RAG_AUTO_UPDATE_BATCH_SIZE')).toBeVisible();
  await input.fill('0');
  await input.press('Enter');
  await expect(page.getByTestId('setting-error-RAG_AUTO_UPDATE_BATCH_SIZE')).toContainText(/minimum is 1|between 1 and 10000/i);
  expect((await host.call('settings:get', {})).settings.find((s) => s.key === 'RAG_AUTO_UPDATE_BATCH_SIZE')).toMatchObject({ value: 50, source: 'default' });

  await input.fill('20');
  await input.press('Enter');
  await expect(page.getByTestId('setting-saved-RAG_AUTO_UPDATE_BATCH_SIZE')).toBeVisible();
  await expect(page.getByTestId('setting-error-RAG_AUTO_UPDATE_BATCH_SIZE')).toHaveCount(0);
  await page.reload();
  await expect(page.getByTestId('setting-RAG_AUTO_UPDATE_BATCH_SIZE').locator('input')).toHaveValue('20');
  await expect(page.getByTestId('setting-source-RAG_AUTO_UPDATE_BATCH_SIZE')).toContainText('set here');
  const stored = JSON.parse(fs.readFileSync(path.join(host.dataDir, 'settings.json'), 'utf8')) as Record<string, unknown>;
  expect(stored.RAG_AUTO_UPDATE_BATCH_SIZE).toBe(20);
});

test('a setting fixed by the environment is locked', async ({ page }) => {
  await page.goto(`${host.url}#/settings`);
  await expect(page.getByTestId('setting-lock-ML_TOLERANCE_DAYS')).toBeVisible();
  await expect(page.getByTestId('setting-ML_TOLERANCE_DAYS').locator('input')).toBeDisabled();
  await expect(page.getByTestId('setting-source-ML_TOLERANCE_DAYS')).toContainText('environment');
});
