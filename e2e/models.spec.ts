// What a user sees on Models and Forecast: "Retrain now" adds a new version row and makes it active;
// "Rollback" (after the confirm dialog) makes the old version active again, and the forecast's
// numbers change back to what the old version predicted.
// Set-up (as the drift integration scenario): three years of demo data up to today where the largest
// client pays 40 days later from 210 days ago on; the first model (1.0.0) is trained as of that day,
// so the payments since then are known outcomes on which the retrained model is measurably better
// and the champion/challenger check deploys it.
import { expect, test, type Page } from '@playwright/test';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { runCli, startHost, type RunningHost } from './serve-fixture';

const isoDaysAgo = (n: number) => new Date(Date.now() - n * 86_400_000).toISOString().slice(0, 10);

let host: RunningHost;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  // History up to today, so payments recorded after the first model's cutoff are known outcomes
  // that the champion/challenger check can compare both models on.
  const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-e2e-'));
  runCli(dataDir, ['demo', 'seed', '--clients', '12', '--invoices', '1000', '--years', '3', '--seed', '9', '--drift-client', 'largest', '--drift-days', '40', '--drift-from', isoDaysAgo(210)]);
  const past = await startHost({ dataDir, env: { OPENFATTURE_TODAY: isoDaysAgo(210), OPENFATTURE_RAG_AUTO_UPDATE_ENABLED: 'false' } });
  const first = await past.call('models:retrain', { model: 'cash_flow' });
  expect(first.activeVersion).toBe('1.0.0');
  await past.stop({ keepData: true });
  host = await startHost({ dataDir, store: { UI_LANGUAGE: 'en', UI_THEME: 'light', ML_RETRAINING_MIN_IMPROVEMENT_PERCENTAGE: 0 }, env: { OPENFATTURE_RAG_AUTO_UPDATE_ENABLED: 'false' } });
});

test.afterAll(async () => {
  await host?.stop();
});

async function forecastTotal(page: Page): Promise<string> {
  await page.goto(`${host.url}#/forecast`);
  await page.getByRole('group', { name: 'Horizon' }).getByRole('button', { name: '90 days' }).click();
  const total = page.getByTestId('forecast-total');
  await expect(total).toBeVisible();
  await expect(page.getByTestId('forecast-row').first()).toBeVisible();
  return `${await total.innerText()} | ${await page.getByTestId('predicted-date').first().innerText()}`;
}

test('retrain adds a version; rollback restores the old one and its forecast', async ({ page }) => {
  test.setTimeout(240_000);
  const before = await forecastTotal(page);
  await expect(page.getByTestId('forecast-version')).toContainText('1.0.0');

  await page.goto(`${host.url}#/models`);
  const card = page.getByTestId('model-card-cash_flow');
  await expect(card.getByTestId('active-version')).toContainText('1.0.0');
  await expect(page.getByTestId('version-row')).toHaveCount(1);
  await card.getByRole('button', { name: 'Retrain now' }).click();
  await expect(card.getByTestId('retrain-result')).toBeVisible({ timeout: 180_000 });
  await expect(card.getByTestId('retrain-result')).toContainText(/deployed/i);
  await expect(page.getByTestId('version-row')).toHaveCount(2);
  await expect(page.locator('[data-testid="version-row"][data-version="1.1.0"]')).toHaveAttribute('data-status', 'active');
  await expect(card.getByTestId('active-version')).toContainText('1.1.0');
  await expect(page.getByTestId('run-row').first()).toContainText(/deployed/i);

  const retrained = await forecastTotal(page);
  await expect(page.getByTestId('forecast-version')).toContainText('1.1.0');
  expect(retrained).not.toBe(before);

  await page.goto(`${host.url}#/models`);
  await page.locator('[data-testid="version-row"][data-version="1.0.0"]').getByRole('button', { name: 'Roll back to 1.0.0' }).click();
  const confirm = page.getByTestId('confirm-dialog');
  await expect(confirm).toContainText('Roll back to version 1.0.0?');
  await confirm.getByRole('button', { name: 'Activate 1.0.0' }).click();
  await expect(page.locator('[data-testid="version-row"][data-version="1.0.0"]')).toHaveAttribute('data-status', 'active');
  await expect(card.getByTestId('active-version')).toContainText('1.0.0');

  const rolledBack = await forecastTotal(page);
  await expect(page.getByTestId('forecast-version')).toContainText('1.0.0');
  expect(rolledBack).toBe(before);
});

test('in Italian the run history gives each run’s reason in Italian, with Italian decimals', async ({ page }) => {
  await host.call('settings:set', { key: 'UI_LANGUAGE', value: 'it' });
  try {
    await page.goto(`${host.url}#/models`);
    await expect(page.getByRole('heading', { name: 'Storico esecuzioni' })).toBeVisible();
    const deployed = page.locator('[data-testid="run-row"][data-outcome="deployed"]');
    await expect(deployed).toHaveCount(2);
    // The retrain that made 1.1.0 (champion/challenger) and the first model (against the baseline).
    await expect(deployed.first()).toContainText(/MAE \d+(,\d+)? contro \d+(,\d+)? della versione 1\.0\.0: miglioramento -?\d+(,\d+)?%, minimo richiesto 0%/);
    await expect(deployed.last()).toContainText(/Primo modello: MAE \d+(,\d+)? contro \d+(,\d+)? del riferimento basato sulla scadenza/);
    await expect(page.locator('[data-testid="run-row"][data-outcome="rolled-back"]').first()).toContainText('Rollback manuale');
  } finally {
    await host.call('settings:set', { key: 'UI_LANGUAGE', value: 'en' });
  }
});

const SIZES = [
  { width: 1024, height: 640 },
  { width: 1400, height: 900 },
] as const;

test('Rollback is visible at 1024×640 and 1400×900 in both languages, says what changes, and works each time', async ({ page }) => {
  test.setTimeout(240_000);
  const card = (await host.call('models:status', {})).models.find((m) => m.name === 'cash_flow')!;
  const versions = (await host.call('models:versions', { model: 'cash_flow' })).items;
  let active = card.activeVersion!;
  try {
    for (const lang of ['it', 'en'] as const) {
      for (const size of SIZES) {
        await host.call('settings:set', { key: 'UI_LANGUAGE', value: lang });
        await page.setViewportSize(size);
        await page.goto(`${host.url}#/models`);
        const target = versions.find((v) => v.version !== active && v.status !== 'rejected' && !v.dryRun)!;
        const row = page.locator(`[data-testid="version-row"][data-version="${target.version}"]`);
        const button = row.getByRole('button', { name: lang === 'it' ? `Rollback a ${target.version}` : `Roll back to ${target.version}` });
        await button.scrollIntoViewIfNeeded();
        await expect(button).toBeInViewport({ ratio: 1 });
        // Inside the table's box, not under its right edge.
        const b = (await button.boundingBox())!;
        const wrap = (await row.locator('xpath=ancestor::div[contains(@class,"table-wrap")]').boundingBox())!;
        expect(b.x + b.width, `${lang} ${size.width}`).toBeLessThanOrEqual(wrap.x + wrap.width + 1);
        await button.click();
        const change = page.getByTestId('confirm-dialog').getByTestId('rollback-change');
        const locale = lang === 'it' ? 'it-IT' : 'en-GB';
        const mae = new Intl.NumberFormat(locale, { maximumFractionDigits: 2, useGrouping: 'always' }).format(target.metrics.mae!);
        const day = new Intl.DateTimeFormat(locale, lang === 'it' ? { day: '2-digit', month: '2-digit', year: 'numeric' } : { day: 'numeric', month: 'short', year: 'numeric' }).format(new Date(target.createdAt));
        await expect(change).toContainText(target.version);
        await expect(change).toContainText(active);
        await expect(change).toContainText(mae);
        await expect(change).toContainText(day);
        await page.getByTestId('confirm-dialog').getByRole('button', { name: lang === 'it' ? `Attiva ${target.version}` : `Activate ${target.version}` }).click();
        await expect(row).toHaveAttribute('data-status', 'active');
        await expect(page.getByTestId('model-card-cash_flow').getByTestId('active-version')).toHaveText(target.version);
        active = target.version;
      }
    }
  } finally {
    await host.call('settings:set', { key: 'UI_LANGUAGE', value: 'en' });
  }
});

test('Forecast: the band stays inside the plot, Record payment refuses a date after today, and the paid row shows its outcome', async ({ page }) => {
  await page.setViewportSize(SIZES[0]);
  await page.goto(`${host.url}#/forecast`);
  await page.getByRole('group', { name: 'Horizon' }).getByRole('button', { name: '90 days' }).click();
  await expect(page.getByTestId('forecast-row').first()).toBeVisible();
  const chart = page.getByTestId('forecast-chart');
  const band = chart.locator('.recharts-area-area').first();
  await expect(band).toBeVisible();
  const plot = (await chart.locator('.recharts-cartesian-grid').boundingBox())!;
  const area = (await band.boundingBox())!;
  expect(area.y).toBeGreaterThanOrEqual(plot.y - 1);
  expect(area.y + area.height).toBeLessThanOrEqual(plot.y + plot.height + 1);

  const row = page.getByTestId('forecast-row').first();
  const label = (await row.locator('strong').first().innerText()).trim();
  await row.getByRole('button', { name: `Record payment for ${label}` }).click();
  const dialog = page.getByTestId('payment-dialog');
  await expect(dialog).toContainText('The forecast said');
  const future = new Date(Date.now() + 3 * 365 * 86_400_000).toISOString().slice(0, 10);
  await dialog.getByLabel('Payment date').fill(future);
  await dialog.getByRole('button', { name: 'Record payment' }).click();
  await expect(dialog.locator('#err-paidDate')).toContainText('Cannot be after today');
  const today = new Date();
  const iso = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`;
  await dialog.getByLabel('Payment date').fill(iso);
  await dialog.getByRole('button', { name: 'Record payment' }).click();
  await expect(dialog).toHaveCount(0);
  const recorded = page.locator('[data-testid="forecast-row"][data-recorded="true"]');
  await expect(recorded).toHaveCount(1);
  await expect(recorded).toContainText(label);
  await expect(recorded.getByTestId('forecast-outcome')).toContainText(/Paid on .+/);
  await expect(recorded.getByTestId('forecast-outcome')).toContainText(/as predicted|days? (after|before) the prediction/);
  // The payment resolved the served prediction: the feedback page counts it as an automatic outcome.
  const stats = await host.call('feedback:stats', {});
  expect(stats.predictionAccuracy.some((p) => p.source === 'auto-outcome' && p.total > 0)).toBe(true);
});
