// What a user sees: a thumbs-down opens the correction box (the thumb goes out together with the
// correction, so a "Not helpful" alone saves nothing until it is sent); the correction is counted on
// Feedback, and a similar question afterwards carries the learned correction.
import { expect, test, type Page } from '@playwright/test';
import { indexSettled, startHost, type RunningHost } from './serve-fixture';

let host: RunningHost;
const CORRECTION = 'Revenue is €12,500 including pending invoices';

test.beforeAll(async () => {
  test.setTimeout(300_000);
  host = await startHost({ store: { UI_LANGUAGE: 'en', UI_THEME: 'light' } });
  await indexSettled(host);
});

test.afterAll(async () => {
  await host?.stop();
});

async function ask(page: Page, question: string) {
  const before = await page.getByTestId('assistant-answer').count();
  await page.getByRole('textbox', { name: 'Question' }).fill(question);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByTestId('assistant-answer')).toHaveCount(before + 1);
  return page.getByTestId('assistant-answer').last();
}

test('a thumbs-down with a correction shows in Feedback and is learned', async ({ page }) => {
  test.setTimeout(120_000);
  await page.goto(`${host.url}#/assistant`);
  const answer = await ask(page, "What's my revenue this month?");
  const prompt = answer.getByTestId('feedback-prompt');
  await prompt.getByRole('button', { name: 'Not helpful' }).click();
  const box = prompt.getByRole('textbox', { name: 'Correction' });
  await expect(box).toBeVisible();
  await expect(prompt.getByTestId('feedback-saved')).toHaveCount(0);
  await box.fill(CORRECTION);
  await prompt.getByRole('button', { name: 'Send correction' }).click();
  await expect(prompt.getByTestId('feedback-saved')).toContainText('Thanks, feedback saved');

  await page.getByTestId('nav-feedback').click();
  await expect(page.getByTestId('fb-corrections')).toContainText(/\b1 correction(?!s)/);
  await expect(page.getByTestId('fb-thumbs')).toContainText('1 down');
  await expect(page.getByTestId('feedback-row').first()).toContainText(CORRECTION);

  await page.getByTestId('nav-assistant').click();
  const later = await ask(page, 'How much revenue did I make this month?');
  await expect(later.getByTestId('learned-from')).toBeVisible();
  await expect(later).toContainText(CORRECTION);
});
