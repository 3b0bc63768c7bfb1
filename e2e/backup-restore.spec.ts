// What a user sees in Settings → Data: Create backup shows the file and its size and lists it; an
// invoice added afterwards on the Data page is gone after restoring that backup (confirm, progress,
// reload, the restored counts); a file that is not a backup is explained. In the browser there is no
// file dialog: the page offers the backups folder only (a backup copied there shows after Refresh),
// and a path outside it sent by the page is refused.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { REPO_ROOT, startHost, type RunningHost } from './serve-fixture';

const OUT = path.join(REPO_ROOT, 'e2e-artifacts/screenshots');
let host: RunningHost;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  test.setTimeout(240_000);
  host = await startHost({ demo: { clients: 3, invoices: 12, seed: 11 }, store: { UI_LANGUAGE: 'en', UI_THEME: 'light' } });
});

test.afterAll(async () => {
  await host?.stop();
});

/** The ops:progress steps the page received over its socket, per operation. */
function watchProgress(page: Page): Record<string, string[]> {
  const steps: Record<string, string[]> = { backup: [], restore: [] };
  page.on('websocket', (ws) =>
    ws.on('framereceived', ({ payload }) => {
      const frame = JSON.parse(String(payload)) as { event?: string; payload?: { operation: string; step: string } };
      if (frame.event === 'ops:progress' && frame.payload) steps[frame.payload.operation]!.push(frame.payload.step);
    }),
  );
  return steps;
}

test('backup, add an invoice, restore the backup: the invoice is gone', async ({ page }) => {
  const errors: string[] = [];
  page.on('pageerror', (e) => errors.push(e.message));
  const steps = watchProgress(page);
  await page.goto(`${host.url}#/settings`);
  const section = page.getByTestId('settings-data');
  await expect(section.getByText('No backups yet')).toBeVisible();

  await section.getByRole('button', { name: 'Create backup' }).click();
  await expect(section.getByTestId('backup-result')).toContainText(/Backup created: openfatture-backup-\d{8}-\d{6}\.tar\.gz \([\d.,]+ (KB|MB)\)/);
  const rows = section.getByTestId('backup-row');
  await expect(rows).toHaveCount(1);
  // Date, file, size, then the counts: 12 invoices, 3 clients, no feedback.
  await expect(rows.first().locator('td.num').nth(1)).toHaveText('12');
  await expect(rows.first().locator('td.num').nth(2)).toHaveText('3');
  expect(new Set(steps.backup)).toEqual(new Set(['database', 'files', 'archive']));
  const backupName = (await rows.first().getAttribute('data-name'))!;
  expect(fs.existsSync(path.join(host.dataDir, 'backups', backupName))).toBe(true);

  // An invoice added after the backup, on the Data page.
  const client = (await host.call('clients:list', { limit: 1 })).items[0]!;
  await page.goto(`${host.url}#/data`);
  await page.getByTestId('new-invoice').click();
  const dialog = page.getByTestId('invoice-dialog');
  await dialog.getByLabel('Client', { exact: true }).selectOption(String(client.id));
  await dialog.getByLabel('Line 1 description').fill('Consulenza dopo il backup');
  await dialog.getByLabel('Line 1 price').fill('321,00');
  await dialog.getByRole('button', { name: 'Create invoice' }).click();
  await expect(dialog).toBeHidden();
  const invoices = (await host.call('invoices:list', { limit: 1000 })).items;
  expect(invoices).toHaveLength(13);
  const added = invoices.reduce((a, b) => (b.id > a.id ? b : a));
  const addedRow = page.getByTestId('invoice-row').filter({ hasText: added.label });
  await expect(addedRow).toHaveCount(1);

  // Restore the backup from the list: confirm, progress, reload, counts.
  await page.goto(`${host.url}#/settings`);
  await section.getByRole('button', { name: /^Restore the backup of / }).click();
  const confirm = page.getByTestId('confirm-dialog');
  await expect(confirm).toContainText('safety copy');
  await expect(confirm).toContainText('The app reloads');
  await confirm.screenshot({ path: path.join(OUT, 'light-settings-data-confirm.png') });
  await confirm.getByRole('button', { name: 'Restore backup' }).click();
  const result = page.getByTestId('restore-result');
  await expect(result).toContainText('Backup restored: 12 invoices, 3 clients, 0 feedback entries.', { timeout: 90_000 });
  await expect(result).toContainText(path.join(host.dataDir, '.pre-restore'));
  expect(steps.restore.filter((s, i, all) => all.indexOf(s) === i)).toEqual(['verify', 'stop', 'files', 'reopen']);
  await section.screenshot({ path: path.join(OUT, 'light-settings-data-restored.png') });

  // The pages show the restored data: the invoice is gone.
  expect((await host.call('invoices:list', { limit: 1000 })).items.map((i) => i.id)).not.toContain(added.id);
  await page.getByTestId('nav-data').click();
  await expect(page.getByTestId('invoice-row').first()).toBeVisible();
  await expect(page.getByTestId('invoice-row').filter({ hasText: added.label })).toHaveCount(0);
  expect(errors).toEqual([]);
});

test('a file that is not a backup is explained; from the browser only the backups folder is offered', async ({ page }) => {
  const backups = path.join(host.dataDir, 'backups');
  fs.writeFileSync(path.join(backups, 'notes.tar.gz'), 'not an archive');
  await page.goto(`${host.url}#/settings`);
  const section = page.getByTestId('settings-data');
  const junk = section.getByTestId('backup-row').filter({ hasText: 'notes.tar.gz' });
  await expect(junk).toContainText('Unusable');
  await expect(junk.getByRole('button')).toHaveCount(0);

  // No path field and no file dialog in the browser: the section names the backups folder instead.
  const elsewhere = section.getByTestId('restore-elsewhere');
  await expect(elsewhere).toContainText('only the backups listed above can be restored');
  await expect(elsewhere).toContainText(backups);
  await expect(section.getByRole('textbox')).toHaveCount(0);
  await expect(section.getByRole('button', { name: 'Choose file…' })).toHaveCount(0);
  await expect(section.getByRole('button', { name: 'Save backup as…' })).toHaveCount(0);

  // A backup kept elsewhere: a path to it sent by the page is refused; copied into the folder, it is listed after Refresh.
  const existing = (await section.getByTestId('backup-row').filter({ hasText: 'openfatture-backup-' }).first().getAttribute('data-name'))!;
  const outside = path.join(host.dataDir, 'elsewhere', 'copied.tar.gz');
  fs.mkdirSync(path.dirname(outside), { recursive: true });
  fs.copyFileSync(path.join(backups, existing), outside);
  await expect(host.call('ops:restore', { file: outside })).rejects.toThrow(`ops:restore: FORBIDDEN file: ${outside} is not in the backups folder`);
  await expect(host.call('ops:backup', { output: path.join(host.dataDir, 'elsewhere', 'new.tar.gz') })).rejects.toThrow(/FORBIDDEN output: /);
  await expect(host.call('ops:chooseRestoreFile', {})).rejects.toThrow(/UNSUPPORTED/);
  expect(fs.readdirSync(path.dirname(outside))).toEqual(['copied.tar.gz']);
  fs.copyFileSync(outside, path.join(backups, 'copied.tar.gz'));
  await elsewhere.getByRole('button', { name: 'Refresh' }).click();
  const copied = section.getByTestId('backup-row').filter({ hasText: 'copied.tar.gz' });
  await expect(copied).toHaveCount(1);
  await expect(copied.getByRole('button', { name: /^Restore the backup of / })).toHaveCount(1);
  await expect(copied.locator('td.num').nth(1)).toHaveText('12');
  // Nothing was restored: the data is still there.
  expect((await host.call('invoices:list', { limit: 1000 })).total).toBe(12);

  for (const theme of ['light', 'dark'] as const) {
    await host.call('settings:set', { key: 'UI_THEME', value: theme });
    await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
    await section.screenshot({ path: path.join(OUT, `${theme}-settings-data-section.png`) });
  }
});
