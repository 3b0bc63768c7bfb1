// Bank statements through Data → Import in Chromium: the demo's CAMT.053 statement (demo seed
// --statements) dropped on the Import page is recognised by its content, analysed without writing
// anything (account, period, entries, new credits auto-accepted or waiting at the threshold), imported
// with a result card, and its waiting credits are then in Data → Bank's "To reconcile". The same
// movements as the bank's CSV export are read as statement entries (preselected from the header) and
// add nothing; a statement that is refused (an entity-expansion file, an XML that is neither
// FatturaPA nor CAMT.053) says why in the UI's language and writes nothing. Screenshots at 1400×900
// and 1024×640 (e2e-artifacts/screenshots/import-statement-*.png).
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { writeZip } from '../src-main/core/import/testing/zip-writer';
import { dropFiles, shootAtTwoSizes } from './import-steps';
import { REPO_ROOT, startHost, type RunningHost } from './serve-fixture';

const FIXTURES = path.resolve(REPO_ROOT, '../shared/fixtures/fatturapa');

let host: RunningHost;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  host = await startHost({ demo: { clients: 8, invoices: 160, seed: 42 }, demoFlags: ['--statements', '--statement-days', '120'], store: { UI_LANGUAGE: 'it', UI_THEME: 'light', BANK_AUTO_ACCEPT_THRESHOLD: 0.98 } });
});

test.afterAll(async () => {
  await host?.stop();
});

function statement(ext: '.camt053.xml' | '.csv'): { name: string; bytes: Buffer } {
  const dir = path.join(host.dataDir, 'statements');
  const name = fs.readdirSync(dir).find((f) => f.endsWith(ext));
  if (!name) throw new Error(`no ${ext} statement in ${dir}`);
  return { name, bytes: fs.readFileSync(path.join(dir, name)) };
}

const count = async (page: Page, scope: string, id: string) => Number(await page.getByTestId(scope).locator(`[data-count]:has([data-testid="${id}"])`).getAttribute('data-count'));

test('drop a CAMT.053 statement on the Import page: analysis, import, result, and its credits in To reconcile', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const camt = statement('.camt053.xml');
  const entries = (camt.bytes.toString('utf8').match(/<Ntry>/g) ?? []).length;
  const account = /<Acct><Id><IBAN>([^<]+)<\/IBAN>/.exec(camt.bytes.toString('utf8'))![1]!;
  // Named like an invoice file: it is told by its content.
  const renamed = { name: 'IT01234567890_00001.xml', bytes: camt.bytes };

  await page.goto(`${host.url}#/data`);
  await page.getByRole('tab', { name: 'Importa' }).click();
  await shootAtTwoSizes(page, 'import-statement', 'empty-it');
  await dropFiles(page, [renamed]);

  const analysis = page.getByTestId('statement-analysis');
  await expect(analysis).toBeVisible({ timeout: 60_000 });
  await expect(analysis).toContainText(account.replace(/(.{4})(?=.)/g, '$1 '));
  await expect(analysis).toContainText('CAMT.053 001.');
  await expect(analysis.getByTestId('statement-entries')).toContainText(`${entries} (`);
  const added = await count(page, 'statement-analysis', 'statement-count-added');
  const auto = await count(page, 'statement-analysis', 'statement-count-auto');
  const wait = await count(page, 'statement-analysis', 'statement-count-wait');
  expect(added).toBe(entries);
  expect(await count(page, 'statement-analysis', 'statement-count-skipped')).toBe(0);
  expect(auto).toBeGreaterThan(0);
  expect(wait).toBeGreaterThan(0);
  await expect(analysis).toContainText(new RegExp(`con la soglia attuale \\(98\\s?%\\) ${auto} verrebbero registrati`));
  // The analysis wrote nothing.
  expect((await host.call('bank:list', { status: 'open', limit: 1, offset: 0 })).counts).toEqual({ open: 0, matched: 0, auto: 0, ignored: 0, debit: 0 });
  await shootAtTwoSizes(page, 'import-statement', 'analysis-it');

  await expect(page.getByTestId('import-run')).toHaveText(new RegExp(`Importa ${entries} movimenti`));
  await page.getByTestId('import-run').click();
  const result = page.getByTestId('statement-result');
  await expect(result).toBeVisible({ timeout: 120_000 });
  expect(await count(page, 'statement-result', 'statement-count-added')).toBe(entries);
  expect(await count(page, 'statement-result', 'statement-count-wait')).toBe(wait);
  expect(await count(page, 'statement-result', 'statement-count-payments')).toBeGreaterThanOrEqual(auto);
  const counts = (await host.call('bank:list', { status: 'open', limit: 1, offset: 0 })).counts;
  expect(counts.auto).toBe(auto);
  expect(counts.open).toBe(wait);
  expect(await count(page, 'statement-result', 'statement-count-debits')).toBe(counts.debit);
  await shootAtTwoSizes(page, 'import-statement', 'result-it');

  await page.getByTestId('statement-open-reconcile').click();
  await expect(page.getByRole('tab', { name: 'Banca' })).toHaveAttribute('aria-selected', 'true');
  await expect(page.getByTestId('bank-status-open')).toHaveAttribute('aria-selected', 'true');
  await expect(page.locator('[data-testid="bank-row"][data-status="open"]')).toHaveCount(Math.min(wait, 200));
  await expect(page.getByTestId('bank-status-open')).toContainText(`(${wait})`);
  await shootAtTwoSizes(page, 'import-statement', 'to-reconcile-it');
  expect(errors).toEqual([]);
});

test('the same movements as a CSV export: read as bank entries from the header, all already there', async ({ page }) => {
  const csv = statement('.csv');
  const account = /<Acct><Id><IBAN>([^<]+)<\/IBAN>/.exec(statement('.camt053.xml').bytes.toString('utf8'))![1]!;
  const rows = csv.bytes.toString('utf8').trim().split('\n').length - 1;
  await page.goto(`${host.url}#/data`);
  await page.getByRole('tab', { name: 'Banca' }).click();
  // Data → Bank's import button opens the Import page: one way in.
  await page.getByTestId('bank-import').click();
  await expect(page.getByRole('tab', { name: 'Importa' })).toHaveAttribute('aria-selected', 'true');
  await dropFiles(page, [csv]);
  const kind = page.getByRole('radiogroup', { name: 'Cosa contiene il file?' });
  await expect(kind.getByRole('radio', { name: 'Movimenti bancari' })).toBeChecked();
  // Without the account a CSV cannot be imported: the refusal names it, in Italian.
  await page.getByTestId('import-analyze').click();
  await expect(page.getByTestId('statement-refused')).toContainText("un CSV non indica il proprio conto: inserisci l'IBAN");
  await page.getByRole('textbox', { name: 'Conto (IBAN)' }).fill(account);
  await shootAtTwoSizes(page, 'import-statement', 'csv-mapping-it');
  await page.getByTestId('import-analyze').click();
  const analysis = page.getByTestId('statement-analysis');
  await expect(analysis).toBeVisible({ timeout: 60_000 });
  expect(await count(page, 'statement-analysis', 'statement-count-skipped')).toBe(rows);
  expect(await count(page, 'statement-analysis', 'statement-count-added')).toBe(0);
  await expect(page.getByTestId('import-run')).toBeDisabled();
});

test('refused statements say why in the UI language and write nothing', async ({ page }) => {
  const before = (await host.call('bank:list', { status: 'open', limit: 1, offset: 0 })).counts;
  const xxe = Buffer.from(
    '<?xml version="1.0"?>\n<!DOCTYPE Document [<!ENTITY a "aaaaaaaaaa"><!ENTITY b "&a;&a;&a;&a;&a;&a;&a;&a;">]>\n<Document xmlns="urn:iso:std:iso:20022:tech:xsd:camt.053.001.02"><BkToCstmrStmt><Stmt><Id>&b;</Id></Stmt></BkToCstmrStmt></Document>\n',
  );
  const other = Buffer.from('<?xml version="1.0"?><Ordine><Numero>7</Numero></Ordine>');
  await page.goto(`${host.url}#/data`);
  await page.getByRole('tab', { name: 'Importa' }).click();
  await dropFiles(page, [
    { name: 'estratto-bomba.xml', bytes: xxe },
    { name: 'ordine.xml', bytes: other },
  ]);
  const refused = page.getByTestId('statement-refused');
  await expect(refused).toContainText('estratto-bomba.xml non è stato importato: contiene una dichiarazione DOCTYPE o ENTITY, che CAMT.053 non ammette');
  const summary = page.getByTestId('import-summary');
  await expect(summary.getByRole('row', { name: /ordine\.xml/ })).toContainText('non è una fattura FatturaPA (elemento radice <Ordine>)');
  await expect(page.getByTestId('import-run')).toBeDisabled();
  await shootAtTwoSizes(page, 'import-statement', 'refused-it');
  await page.getByTestId('pref-language').selectOption('en');
  await expect(refused).toContainText('estratto-bomba.xml was not imported: contains a DOCTYPE or ENTITY declaration, which CAMT.053 does not allow');
  await shootAtTwoSizes(page, 'import-statement', 'refused-en');
  expect((await host.call('bank:list', { status: 'open', limit: 1, offset: 0 })).counts).toEqual(before);
  await page.getByTestId('pref-language').selectOption('it');
});

test('FatturaPA files and a statement in one drop: one check of both, invoices imported first', async ({ page }) => {
  const zip = writeZip(
    fs
      .readdirSync(FIXTURES)
      .filter((f) => /\.(xml|p7m)$/.test(f))
      .map((f) => ({ name: `fatturapa/${f}`, data: fs.readFileSync(path.join(FIXTURES, f)) })),
  );
  const camt = statement('.camt053.xml');
  const entries = (camt.bytes.toString('utf8').match(/<Ntry>/g) ?? []).length;
  await page.goto(`${host.url}#/data`);
  await page.getByRole('tab', { name: 'Importa' }).click();
  await dropFiles(page, [{ name: 'fatturapa.zip', bytes: zip }, camt]);
  // The firm is asked once, then both dry runs are shown together.
  await page.getByTestId('import-firm').getByRole('radio', { name: /Azienda di esempio 02182030391/ }).check();
  await page.getByTestId('import-firm-confirm').click();
  await expect(page.getByTestId('import-summary').getByTestId('import-count-added')).toHaveText('3 da aggiungere');
  // The statement was imported by the first test: every entry is already there.
  expect(await count(page, 'statement-analysis', 'statement-count-skipped')).toBe(entries);
  await expect(page.getByTestId('import-run')).toHaveText('Importa 3 fatture e 0 movimenti');
  await shootAtTwoSizes(page, 'import-statement', 'mixed-it');
  await page.getByTestId('import-run').click();
  await expect(page.getByTestId('import-result')).toContainText('Importazione completata', { timeout: 60_000 });
  expect(await count(page, 'statement-result', 'statement-count-added')).toBe(0);
  expect(await count(page, 'statement-result', 'statement-count-skipped')).toBe(entries);
});
