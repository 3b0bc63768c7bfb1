// Data → Import in Chromium: the public FatturaPA samples dropped as one zip, the firm confirmed once,
// the dry-run summary read, the import run; then an imported invoice is found by its original number
// in the assistant. Screenshots of the summary at 1400×900 and 1024×640 in Italian and English
// (e2e-artifacts/screenshots/import-*.png).
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { writeZip } from '../src-main/core/import/testing/zip-writer';
import { indexSettled, REPO_ROOT, startHost, type RunningHost } from './serve-fixture';

const FIXTURES = path.resolve(REPO_ROOT, '../shared/fixtures/fatturapa');
const OUT = path.join(REPO_ROOT, 'e2e-artifacts/screenshots');
let host: RunningHost;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(300_000);
  fs.mkdirSync(OUT, { recursive: true });
  host = await startHost({ demo: { clients: 4, invoices: 40, seed: 42 }, store: { UI_LANGUAGE: 'it', UI_THEME: 'light' } });
  await indexSettled(host);
});

test.afterAll(async () => {
  await host?.stop();
});

/** Drops a file on the drop zone the way a browser does: a DataTransfer holding a File. */
async function dropFile(page: Page, name: string, bytes: Buffer): Promise<void> {
  await page.getByTestId('import-drop').evaluate(
    (el, { name, b64 }) => {
      const raw = atob(b64);
      const data = new Uint8Array(raw.length);
      for (let i = 0; i < raw.length; i++) data[i] = raw.charCodeAt(i);
      // Browser globals, typed here because this file compiles with the Node types.
      const w = globalThis as unknown as {
        DataTransfer: new () => { items: { add(file: unknown): void } };
        DragEvent: new (type: string, init: object) => Event;
      };
      const dt = new w.DataTransfer();
      dt.items.add(new File([data], name, { type: 'application/zip' }));
      el.dispatchEvent(new w.DragEvent('dragover', { dataTransfer: dt, bubbles: true, cancelable: true }));
      el.dispatchEvent(new w.DragEvent('drop', { dataTransfer: dt, bubbles: true, cancelable: true }));
    },
    { name, b64: bytes.toString('base64') },
  );
}

async function shoot(page: Page, name: string): Promise<void> {
  for (const [w, h] of [
    [1400, 900],
    [1024, 640],
  ] as const) {
    await page.setViewportSize({ width: w, height: h });
    await page.waitForTimeout(300);
    await page.screenshot({ path: path.join(OUT, `import-${name}-${w}x${h}.png`), fullPage: false });
  }
  await page.setViewportSize({ width: 1360, height: 880 });
}

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
  await shoot(page, 'empty-it');
  await dropFile(page, 'fatturapa.zip', zip);

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
  await shoot(page, 'summary-it');
  // At 1024 px the summary table fits its card: no sideways scrolling.
  await page.setViewportSize({ width: 1024, height: 640 });
  await expect
    .poll(() => summary.locator('.table-wrap').evaluate((el) => el.scrollWidth - el.clientWidth))
    .toBeLessThanOrEqual(0);
  await page.setViewportSize({ width: 1360, height: 880 });
  await page.getByTestId('pref-language').selectOption('en');
  await expect(summary.getByTestId('import-count-added')).toHaveText('3 to add');
  await expect(otherFirm).toContainText("neither the issuer (SOCIETA' ALPHA SRL) nor the customer (BETA GAMMA) is your firm");
  await shoot(page, 'summary-en');

  const downloaded = page.waitForEvent('download');
  await page.getByTestId('import-download').click();
  const file = await (await downloaded).path();
  expect(fs.readFileSync(file, 'utf8')).toMatch(/^source,invoice,outcome,direction,reason,notes\n/);

  await page.getByTestId('import-run').click();
  const result = page.getByTestId('import-result');
  await expect(result.getByTestId('import-count-added')).toHaveText('3 to add');
  await expect(result).toContainText('Import finished');
  await shoot(page, 'result-en');

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
