// The Assistant and Knowledge pages as a user on a laptop sees them, in Italian and English at
// 1400×900 and 1024×640: no card overflows horizontally, no raw codes ("builtin", "(paid)",
// "Clienti #48", 0.0164) are shown, the answer that lacks a model offers the button that trains it
// (and the button works), pending changes show names, an exact invoice number ranks first with a
// relevance bar. Screenshots of both pages in every size, language and theme go to
// e2e-artifacts/screenshots/.
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { REPO_ROOT, indexSettled, startHost, until, type RunningHost } from './serve-fixture';

const OUT = path.join(REPO_ROOT, 'e2e-artifacts/screenshots');
const SIZES = [
  { width: 1400, height: 900 },
  { width: 1024, height: 640 },
] as const;

let host: RunningHost;
const conversation: Record<'it' | 'en', string> = { it: '', en: '' };
let invoiceLabel = '';
let invoiceNumber = '';

test.beforeAll(async () => {
  test.setTimeout(300_000);
  fs.mkdirSync(OUT, { recursive: true });
  host = await startHost({ demo: { clients: 8, invoices: 120, seed: 42 }, store: { UI_THEME: 'light' } });
  await indexSettled(host);
  // A correction that restricts the average, then a paraphrase of it, in each language.
  const it = await host.call('assistant:ask', { question: "Qual è l'importo medio delle fatture?", language: 'it' });
  await host.call('feedback:submit', { agentType: 'chat', sessionId: it.sessionId, messageId: it.messageId, userInput: it.question, aiResponse: it.answer, thumb: 'down', userCorrection: "Conta solo le fatture emesse quest'anno" });
  conversation.it = (await host.call('assistant:ask', { question: 'Mediamente quanto vale una fattura?', sessionId: it.sessionId, language: 'it' })).sessionId;
  await host.call('assistant:ask', { question: 'Quali fatture sono scadute?', sessionId: it.sessionId, language: 'it' });
  const en = await host.call('assistant:ask', { question: 'What is the average invoice amount?', language: 'en' });
  conversation.en = en.sessionId;
  await host.call('assistant:ask', { question: 'Which invoices mention website development?', sessionId: en.sessionId, language: 'en' });
  // Changes waiting in the paused queue, so the Knowledge page lists them by name.
  await host.call('index:pause', {});
  const clients = await host.call('clients:list', { limit: 2 });
  for (const c of clients.items) await host.call('invoices:create', { clientId: c.id, lines: [{ description: 'Consulenza straordinaria', quantity: 1, unitPriceCents: 75_000, vatRate: 22 }] });
  const some = (await host.call('invoices:list', { limit: 1, offset: 30 })).items[0]!;
  invoiceLabel = some.label;
  invoiceNumber = some.number;
});

test.afterAll(async () => {
  await host?.stop();
});

/** Fails on any card (or the page) wider than its box: the layout check of the issue. */
async function expectNoOverflow(page: Page, where: string): Promise<void> {
  // Evaluated in the page (this file is type-checked without the DOM library).
  const overflowing = (await page.evaluate(`(() => {
    const out = [];
    if (document.documentElement.scrollWidth > window.innerWidth + 1) out.push('page ' + document.documentElement.scrollWidth + ' > ' + window.innerWidth);
    for (const el of document.querySelectorAll('.card')) {
      const name = el.getAttribute('aria-label') || (el.querySelector('h2') && el.querySelector('h2').textContent) || 'card';
      if (el.scrollWidth > el.clientWidth + 1) out.push(name + ': ' + el.scrollWidth + ' > ' + el.clientWidth);
    }
    return out;
  })()`)) as string[];
  expect(overflowing, where).toEqual([]);
}

async function settle(page: Page): Promise<void> {
  await expect(page.locator('h1').first()).toBeVisible();
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  await page.waitForTimeout(400);
}

for (const lang of ['it', 'en'] as const) {
  for (const size of SIZES) {
    test(`assistant and knowledge in ${lang} at ${size.width}×${size.height}: no overflow, no raw codes`, async ({ page }) => {
      await page.setViewportSize(size);
      await host.call('settings:set', { key: 'UI_LANGUAGE', value: lang });
      for (const theme of ['light', 'dark'] as const) {
        await host.call('settings:set', { key: 'UI_THEME', value: theme });
        await page.goto(`${host.url}#/assistant/${conversation[lang]}`);
        await settle(page);
        await expect(page.getByTestId('assistant-answer').first()).toBeVisible();
        const chat = page.getByTestId('chat-log');
        await expect(page.getByTestId('learned-from').first()).toContainText(lang === 'it' ? 'applicata' : 'applied');
        await expect(chat).not.toContainText(/\bbuiltin\b|Risposta di:|Answered by:|\((?:paid|issued, unpaid|draft)\)/);
        await expect(page.getByRole('complementary', { name: lang === 'it' ? 'Conversazioni' : 'Conversations' })).toBeVisible();
        await expect(page.getByRole('button', { name: lang === 'it' ? 'Nuova conversazione' : 'New conversation' })).toBeInViewport();
        await expectNoOverflow(page, `assistant ${lang} ${size.width} ${theme}`);
        await page.screenshot({ path: path.join(OUT, `assistant-${lang}-${size.width}x${size.height}-${theme}.png`) });

        await page.goto(`${host.url}#/knowledge`);
        await settle(page);
        const pending = page.getByTestId('pending-row');
        await expect(pending.first()).toBeVisible();
        await expect(pending.first()).not.toContainText(/(?:Fatture|Clienti|Invoices|Clients) #\d+/);
        await expect(pending.first()).toContainText(/\d+\/\d{4} — /);
        await page.getByRole('searchbox', { name: lang === 'it' ? 'Cerca nell’indice' : 'Search the index' }).fill(invoiceNumber);
        await page.getByRole('button', { name: lang === 'it' ? 'Cerca' : 'Search' }).click();
        const first = page.getByTestId('search-hit').first();
        await expect(first).toContainText(invoiceLabel);
        await expect(first.getByRole('meter', { name: lang === 'it' ? 'Pertinenza' : 'Relevance' })).toHaveAttribute('aria-valuenow', '100');
        await expect(page.getByTestId('search-hit').filter({ hasText: /\b0\.\d{4}\b/ })).toHaveCount(0);
        await expectNoOverflow(page, `knowledge ${lang} ${size.width} ${theme}`);
        await page.screenshot({ path: path.join(OUT, `knowledge-${lang}-${size.width}x${size.height}-${theme}.png`), fullPage: true });
      }
    });
  }
}

test('an answer that needs a trained model offers the button that trains it, and the button works', async ({ page }) => {
  test.setTimeout(240_000);
  await host.call('settings:set', { key: 'UI_LANGUAGE', value: 'en' });
  await host.call('settings:set', { key: 'UI_THEME', value: 'light' });
  await page.setViewportSize(SIZES[1]);
  await page.goto(`${host.url}#/assistant`);
  await page.getByRole('button', { name: 'New conversation' }).click();
  await page.getByRole('textbox', { name: 'Question' }).fill('How much will I collect in the next 30 days?');
  await page.getByRole('button', { name: 'Send' }).click();
  const answer = page.getByTestId('assistant-answer').last();
  await expect(answer.getByTestId('answer-text')).toContainText("because the cash-flow model isn't trained yet");
  await expect(answer.getByTestId('answer-text')).not.toContainText(/openfatture|--retrain/);
  const action = answer.getByTestId('answer-action');
  await action.getByRole('button', { name: 'Train the first model' }).click();
  await expect(action.getByRole('status')).toContainText(/Model 1\.0\.0 trained/, { timeout: 180_000 });
  await page.screenshot({ path: path.join(OUT, 'assistant-en-1024x640-trained.png') });
  await action.getByRole('button', { name: 'Ask again' }).click();
  const again = page.getByTestId('assistant-answer').last();
  await expect(again.getByTestId('answer-text')).toContainText('according to the cash-flow model (version 1.0.0)');
  await expect(again.getByTestId('answer-action')).toHaveCount(0);
  await until('the model to be listed', async () => (await host.call('models:status', {})).models.some((m) => m.activeVersion === '1.0.0'));
});
