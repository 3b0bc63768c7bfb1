// Full-page screenshots of every page in light and dark, on demo data with a trained model, an
// answered question and some feedback, so each page shows real content (e2e-artifacts/screenshots/).
import fs from 'node:fs';
import path from 'node:path';
import { expect, test, type Page } from '@playwright/test';
import { REPO_ROOT, startHost, type RunningHost } from './serve-fixture';

const PAGES = ['home', 'assistant', 'forecast', 'models', 'knowledge', 'feedback', 'data', 'settings'] as const;
const SECTIONS: Partial<Record<(typeof PAGES)[number], string[]>> = { settings: ['settings-data'] };
const OUT = path.join(REPO_ROOT, 'e2e-artifacts/screenshots');

let host: RunningHost;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  fs.mkdirSync(OUT, { recursive: true });
  host = await startHost({ demo: { clients: 8, invoices: 120, seed: 42 } });
  await host.call('models:retrain', { model: 'cash_flow' });
  await host.call('forecast:get', { days: 30 });
  const a = await host.call('assistant:ask', { question: 'Qual è il fatturato di questo mese?' });
  await host.call('feedback:submit', { agentType: 'chat', userInput: a.question, aiResponse: a.answer, thumb: 'up', rating: 5, sessionId: a.sessionId, messageId: a.messageId });
  await host.call('feedback:submit', { agentType: 'chat', userInput: 'Quante fatture sono scadute?', aiResponse: 'Nessuna', thumb: 'down', rating: 2, userCorrection: 'Tre fatture sono scadute' });
  // A backup, so Settings → Data shows its table.
  await host.call('ops:backup', {});
});

test.afterAll(async () => {
  await host?.stop();
});

async function settle(page: Page): Promise<void> {
  await expect(page.locator('h1').first()).toBeVisible();
  await expect(page.locator('[aria-busy="true"]')).toHaveCount(0);
  // Charts animate in and fonts settle; a short pause keeps the pictures stable.
  await page.waitForTimeout(600);
}

for (const theme of ['light', 'dark'] as const) {
  test(`every page renders in the ${theme} theme`, async ({ page }) => {
    const errors: string[] = [];
    page.on('pageerror', (e) => errors.push(e.message));
    page.on('console', (m) => {
      if (m.type() === 'error') errors.push(m.text());
    });
    await host.call('settings:set', { key: 'UI_THEME', value: theme });
    for (const id of PAGES) {
      await page.goto(`${host.url}#/${id}`);
      await settle(page);
      await expect(page.locator('html')).toHaveAttribute('data-theme', theme);
      await page.screenshot({ path: path.join(OUT, `${theme}-${id}.png`), fullPage: true });
      // Sections of a page worth a close-up.
      for (const section of SECTIONS[id] ?? []) await page.getByTestId(section).screenshot({ path: path.join(OUT, `${theme}-${id}-${section}.png`) });
    }
    expect(errors).toEqual([]);
  });
}
