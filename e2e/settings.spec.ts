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

test('percentages read as percentages, each threshold says what its value does, the search box narrows the list', async ({ page }) => {
  await page.goto(`${host.url}#/settings`);
  const row = page.getByTestId('setting-ML_RETRAINING_PERFORMANCE_DEGRADATION_THRESHOLD');
  const input = row.locator('input');
  await expect(input).toHaveValue('10');
  await expect(page.getByTestId('setting-effect-ML_RETRAINING_PERFORMANCE_DEGRADATION_THRESHOLD')).toContainText('more than 10% below');
  await input.fill('15');
  await input.press('Enter');
  await expect(page.getByTestId('setting-saved-ML_RETRAINING_PERFORMANCE_DEGRADATION_THRESHOLD')).toBeVisible();
  await expect(page.getByTestId('setting-effect-ML_RETRAINING_PERFORMANCE_DEGRADATION_THRESHOLD')).toContainText('more than 15% below');
  expect((await host.call('settings:get', {})).settings.find((s) => s.key === 'ML_RETRAINING_PERFORMANCE_DEGRADATION_THRESHOLD')?.value).toBe(0.15);
  await expect(row.getByRole('button', { name: /Reset/ })).toHaveText('Reset to the default: 10%');
  await input.fill('150');
  await input.press('Enter');
  await expect(page.getByTestId('setting-error-ML_RETRAINING_PERFORMANCE_DEGRADATION_THRESHOLD')).toContainText('The maximum is 100%');
  await expect(page.getByTestId('setting-effect-ML_RETRAINING_MIN_FEEDBACK_COUNT')).toHaveText('The cash-flow model retrains after 25 new outcomes or corrections since the last evaluation.');
  await expect(page.getByTestId('setting-effect-ML_TOLERANCE_DAYS')).toContainText('within 9 days');
  // A boolean's reset reads as On/Off, never "(false)".
  await expect(page.locator('#content')).not.toContainText(/\((?:true|false)\)/);

  const search = page.getByRole('searchbox', { name: 'Search the settings' });
  await search.fill('batch');
  await expect(page.getByTestId('setting-RAG_AUTO_UPDATE_BATCH_SIZE')).toBeVisible();
  await expect(page.getByTestId('setting-ML_TOLERANCE_DAYS')).toHaveCount(0);
  await expect(page.getByTestId('settings-data')).toHaveCount(0);
  await search.fill('nothing like this');
  await expect(page.getByText('No setting matches “nothing like this”')).toBeVisible();
  await search.fill('');
  await expect(page.getByTestId('setting-ML_TOLERANCE_DAYS')).toBeVisible();
});

test('the payment matcher’s thresholds have their own Bank reconciliation section, found by the search', async ({ page }) => {
  await page.goto(`${host.url}#/settings`);
  const section = page.locator('section', { has: page.getByRole('heading', { name: 'Bank reconciliation', exact: true }) });
  for (const key of ['BANK_AUTO_ACCEPT_THRESHOLD', 'BANK_FEE_TOLERANCE_CENTS', 'BANK_MATCHER_MIN_NEW_ANSWERS', 'BANK_MATCHER_MAX_DAYS_SINCE_TRAINING', 'BANK_MATCHER_ACCURACY_DROP_THRESHOLD', 'BANK_MATCHER_MIN_IMPROVEMENT']) {
    await expect(section.getByTestId(`setting-${key}`)).toBeVisible();
  }
  await expect(section.getByTestId('setting-BANK_MATCHER_ACCURACY_DROP_THRESHOLD').locator('input')).toHaveValue('5');
  await expect(section.getByTestId('setting-BANK_AUTO_ACCEPT_THRESHOLD').locator('input')).toHaveValue('98');
  await expect(page.getByTestId('setting-effect-BANK_AUTO_ACCEPT_THRESHOLD')).toContainText('confidence of at least 98%');
  await expect(page.getByTestId('setting-effect-BANK_FEE_TOLERANCE_CENTS')).toHaveText('A credit short of what is owed by at most €10.00 settles the invoices: the difference is the fee the bank kept.');
  await expect(page.getByTestId('setting-effect-BANK_MATCHER_MIN_NEW_ANSWERS')).toHaveText('The matcher retrains after 50 new answers to its suggestions since the last evaluation.');
  const count = section.getByTestId('setting-BANK_MATCHER_MIN_NEW_ANSWERS').locator('input');
  await count.fill('0');
  await count.press('Enter');
  await expect(page.getByTestId('setting-error-BANK_MATCHER_MIN_NEW_ANSWERS')).toContainText('The minimum is 1');
  expect((await host.call('settings:get', {})).settings.find((s) => s.key === 'BANK_MATCHER_MIN_NEW_ANSWERS')).toMatchObject({ value: 50, source: 'default' });

  await page.getByRole('searchbox', { name: 'Search the settings' }).fill('top-1');
  await expect(page.getByTestId('setting-BANK_MATCHER_ACCURACY_DROP_THRESHOLD')).toBeVisible();
  await expect(page.getByTestId('setting-BANK_MATCHER_MIN_IMPROVEMENT')).toBeVisible();
  await expect(page.getByTestId('setting-ML_RETRAINING_PERFORMANCE_DEGRADATION_THRESHOLD')).toHaveCount(0);
});
