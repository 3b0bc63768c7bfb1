// Every page as a user on a laptop sees it, at 1400×900 and 1024×640, in Italian and English, in the
// light and dark themes: no card overflows horizontally, no table header is cut off, status and
// actions columns stay visible, no raw codes are shown, the side menu is a rail of icons below
// 1200 px, and every page is photographed into e2e-artifacts/screenshots/layout/.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { REPO_ROOT, indexSettled, startHost, type RunningHost } from './serve-fixture';

const OUT = path.join(REPO_ROOT, 'e2e-artifacts/screenshots/layout');
const SIZES = [
  { width: 1400, height: 900 },
  { width: 1024, height: 640 },
] as const;
/** Pages, and for Data each tab, as the hash and what to wait for. */
const VIEWS: { name: string; hash: string; tab?: { it: string; en: string }; ready?: string }[] = [
  { name: 'home', hash: 'home', ready: 'first-run' },
  { name: 'assistant', hash: 'assistant' },
  { name: 'forecast', hash: 'forecast', ready: 'forecast-row' },
  { name: 'models', hash: 'models', ready: 'version-row' },
  { name: 'knowledge', hash: 'knowledge', ready: 'batch-row' },
  { name: 'feedback', hash: 'feedback', ready: 'feedback-row' },
  { name: 'data-invoices', hash: 'data', tab: { it: 'Fatture', en: 'Invoices' }, ready: 'invoice-row' },
  { name: 'data-clients', hash: 'data', tab: { it: 'Clienti', en: 'Clients' }, ready: 'client-row' },
  { name: 'data-products', hash: 'data', tab: { it: 'Prodotti', en: 'Products' }, ready: 'product-row' },
  { name: 'settings', hash: 'settings', ready: 'backup-row' },
];
/** OPENFATTURE_E2E_VIEWS=home,settings limits a run to some views while working on them. */
const ONLY = process.env.OPENFATTURE_E2E_VIEWS?.split(',').filter(Boolean);
const RUN_VIEWS = ONLY ? VIEWS.filter((v) => ONLY.includes(v.name)) : VIEWS;
/** Internal codes that must never reach the screen. */
const RAW_CODES = /\bbuiltin\b|\bchat \d|\bcash_flow\b|(?:·|:) ?(?:collect|train|refit)\b|\((?:paid|issued, unpaid|draft|true|false)\)|RAG_AUTO_UPDATE_ENABLED\)|Ripristina \((?:true|false)\)|Reset \((?:true|false)\)/;

let host: RunningHost;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  fs.mkdirSync(OUT, { recursive: true });
  host = await startHost({ demo: { clients: 8, invoices: 120, seed: 42 }, store: { UI_THEME: 'light' } });
  await host.call('models:retrain', { model: 'cash_flow' });
  await host.call('forecast:get', { days: 30 });
  const a = await host.call('assistant:ask', { question: 'Qual è il fatturato di questo mese?', language: 'it' });
  await host.call('feedback:submit', { agentType: 'chat', userInput: a.question, aiResponse: a.answer, thumb: 'up', rating: 5, sessionId: a.sessionId, messageId: a.messageId });
  await host.call('feedback:submit', { agentType: 'chat', userInput: 'Quante fatture sono scadute?', aiResponse: 'Nessuna', thumb: 'down', rating: 2, userCorrection: 'Tre fatture sono scadute' });
  await host.call('ops:backup', {});
  await indexSettled(host);
});

test.afterAll(async () => {
  await host?.stop();
});

/** Cards wider than their box and table headers cut off: the layout check of the issue. */
async function layoutProblems(page: Page): Promise<string[]> {
  // Evaluated in the page (this file is type-checked without the DOM library).
  return (await page.evaluate(`(() => {
    const out = [];
    if (document.documentElement.scrollWidth > window.innerWidth + 1) out.push('page ' + document.documentElement.scrollWidth + ' > ' + window.innerWidth);
    for (const el of document.querySelectorAll('.card, .stat')) {
      const name = el.getAttribute('aria-label') || (el.querySelector('h2') && el.querySelector('h2').textContent) || el.className;
      if (el.scrollWidth > el.clientWidth + 1) out.push('card ' + name + ': ' + el.scrollWidth + ' > ' + el.clientWidth);
    }
    for (const wrap of document.querySelectorAll('.table-wrap')) {
      if (wrap.scrollWidth > wrap.clientWidth + 1) out.push('table ' + (wrap.querySelector('table').getAttribute('aria-label') || '') + ': ' + wrap.scrollWidth + ' > ' + wrap.clientWidth);
      const box = wrap.getBoundingClientRect();
      for (const th of wrap.querySelectorAll('th')) {
        const r = th.getBoundingClientRect();
        if (th.scrollWidth > th.clientWidth + 1 || r.right > box.right + 1 || r.left < box.left - 1) out.push('header cut: ' + th.textContent);
      }
    }
    return out;
  })()`)) as string[];
}

async function open(page: Page, view: (typeof VIEWS)[number], lang: 'it' | 'en'): Promise<void> {
  await page.goto(`${host.url}#/${view.hash}`);
  await expect(page.locator('h1').first()).toBeVisible();
  if (view.tab) await page.getByRole('tab', { name: view.tab[lang] }).click();
  if (view.ready) await expect(page.getByTestId(view.ready).first()).toBeVisible();
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  // Charts draw after their box is measured; let them settle before the picture.
  await page.waitForTimeout(500);
}

for (const lang of ['it', 'en'] as const) {
  for (const size of SIZES) {
    test(`every page in ${lang} at ${size.width}×${size.height}, light and dark: no overflow, no cut header, no raw codes`, async ({ page }) => {
      test.setTimeout(240_000);
      const errors: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      await page.setViewportSize(size);
      await host.call('settings:set', { key: 'UI_LANGUAGE', value: lang });
      for (const theme of ['light', 'dark'] as const) {
        await host.call('settings:set', { key: 'UI_THEME', value: theme });
        for (const view of RUN_VIEWS) {
          await open(page, view, lang);
          const where = `${view.name} ${lang} ${size.width} ${theme}`;
          expect(await layoutProblems(page), where).toEqual([]);
          await expect(page.locator('#content'), where).not.toContainText(RAW_CODES);
          // Status and actions survive the narrow screen on the invoice list.
          if (view.name === 'data-invoices') {
            const headers = page.locator('table[aria-label] th');
            await expect(headers.filter({ hasText: lang === 'it' ? 'Stato' : 'Status' })).toBeVisible();
            await expect(page.getByTestId('invoice-row').first().getByTestId('invoice-status')).toBeInViewport();
          }
          await page.screenshot({ path: path.join(OUT, `${view.name}-${lang}-${size.width}x${size.height}-${theme}.png`), fullPage: true });
        }
      }
      // Below 1200 px the menu is icons only, each still named for screen readers and tooltips.
      const rail = page.getByRole('navigation', { name: lang === 'it' ? 'Navigazione principale' : 'Main navigation' });
      const railWidth = (await rail.boundingBox())!.width;
      if (size.width < 1200) expect(railWidth).toBeLessThan(80);
      else expect(railWidth).toBeGreaterThan(180);
      await expect(rail.getByRole('button', { name: lang === 'it' ? 'Impostazioni' : 'Settings' })).toBeVisible();
      expect(errors).toEqual([]);
    });
  }
}
