// Data → Import in Chromium: the public FatturaPA samples dropped as one zip, the firm confirmed once,
// the dry-run summary read, the import run; then an imported invoice is found by its original number
// in the assistant. Screenshots of the summary at 1400×900 and 1024×640 in Italian and English
// (e2e-artifacts/screenshots/import-*.png).
import fs from 'node:fs';
import path from 'node:path';
import { expect, test } from '@playwright/test';
import { writeZip } from '../src-main/core/import/testing/zip-writer';
import { indexSettled, REPO_ROOT, startHost, type RunningHost } from './serve-fixture';
import { dropFiles, shootAtTwoSizes } from './import-steps';

const FIXTURES = path.resolve(REPO_ROOT, '../shared/fixtures/fatturapa');
let host: RunningHost;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  host = await startHost({ demo: { clients: 4, invoices: 40, seed: 42 }, store: { UI_LANGUAGE: 'it', UI_THEME: 'light' } });
  await indexSettled(host);
});

test.afterAll(async () => {
  await host?.stop();
});

test('drop the sample folder as a zip, confirm the firm, read the summary, import, and find an invoice by its number in the assistant', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const zip = writeZip(
    fs
      .readdirSync(FIXTURES)
      .filter((f) => /\.(xml|p7m)$/.test(f))
      .map((f) => ({ name: `fatturapa/${f}`, data: fs.readFileSync(path.join(FIXTURES, f)) })),
  );
  await page.goto(`${host.url}#/data`);
  await page.getByRole('tab', { name: 'Importa' }).click();
  await shootAtTwoSizes(page, 'import', 'empty-it');
  await dropFiles(page, [{ name: 'fatturapa.zip', bytes: zip }]);

  // First import: which party is my firm?
  const firm = page.getByTestId('import-firm');
  await expect(firm).toContainText('Qual è la tua azienda?');
  await firm.getByRole('radio', { name: /Azienda di esempio 02182030391/ }).check();
  await page.getByTestId('import-firm-confirm').click();

  const summary = page.getByTestId('import-summary');
  await expect(summary.getByTestId('import-count-added')).toHaveText('3 da aggiungere');
  await expect(summary.getByTestId('import-count-skipped')).toHaveText('3 già presenti');
  await expect(summary.getByTestId('import-count-rejected')).toHaveText('2 rifiutate'); // invoices: feminine, like the rows' 'Aggiunta'
  // Reasons in the UI's language, with the figures of the file.
  const otherFirm = summary.getByRole('row', { name: /IT01234567890_FSM10\.xml/ });
  await expect(otherFirm).toContainText("né l'emittente (SOCIETA' ALPHA SRL) né il cliente (BETA GAMMA) sono la tua azienda");
  await shootAtTwoSizes(page, 'import', 'summary-it');
  // At 1024 px the summary table fits its card: no sideways scrolling.
  await page.setViewportSize({ width: 1024, height: 640 });
  await expect
    .poll(() => summary.locator('.table-wrap').evaluate((el) => el.scrollWidth - el.clientWidth))
    .toBeLessThanOrEqual(0);
  await page.setViewportSize({ width: 1360, height: 880 });
  await page.getByTestId('pref-language').selectOption('en');
  await expect(summary.getByTestId('import-count-added')).toHaveText('3 to add');
  await expect(otherFirm).toContainText("neither the issuer (SOCIETA' ALPHA SRL) nor the customer (BETA GAMMA) is your firm");
  await shootAtTwoSizes(page, 'import', 'summary-en');

  const downloaded = page.waitForEvent('download');
  await page.getByTestId('import-download').click();
  const file = await (await downloaded).path();
  expect(fs.readFileSync(file, 'utf8')).toMatch(/^source,invoice,outcome,direction,reason,notes\n/);

  await page.getByTestId('import-run').click();
  const result = page.getByTestId('import-result');
  await expect(result.getByTestId('import-count-added')).toHaveText('3 to add');
  await expect(result).toContainText('Import finished');
  await shootAtTwoSizes(page, 'import', 'result-en');

  // The imported invoices reach the knowledge index like any other; the assistant finds one by its number.
  await indexSettled(host);
  await page.goto(`${host.url}#/assistant`);
  await page.getByRole('textbox', { name: 'Question' }).fill('fattura 4/2017');
  await page.getByRole('button', { name: 'Send' }).click();
  const answer = page.getByTestId('assistant-answer').last();
  await expect(answer.getByRole('group', { name: 'Sources' })).toContainText('4/2017');
  await expect(answer.getByRole('group', { name: 'Sources' })).toContainText('CIR 2000 snc');
  expect(errors).toEqual([]);
});
