// What a user sees: a thumbs-down opens the correction box (the thumb goes out together with the
// correction, so a "Not helpful" alone saves nothing until it is sent); the correction is counted on
// Feedback, and a similar question afterwards carries the learned correction.
import { expect, test } from '@playwright/test';
import { ask } from './assistant-steps';
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

test('a correction that restricts the question changes the answer to a paraphrase, in either language, without the old figure', async ({ page }) => {
  test.setTimeout(120_000);
  const year = new Date().getUTCFullYear();
  // The figures the app computes for the question as asked and for the corrected one.
  const allTime = await host.call('assistant:ask', { question: 'What is the average invoice amount?' });
  const thisYear = await host.call('assistant:ask', { question: `What is the average invoice amount in ${year}?` });
  const figure = (text: string) => /is (€[\d,]+\.\d{2})/.exec(text)?.[1];
  const allTimeFigure = figure(allTime.answer)!;
  const thisYearFigure = figure(thisYear.answer)!;
  expect(allTimeFigure).toBeTruthy();
  expect(thisYearFigure).toBeTruthy();
  expect(thisYearFigure).not.toBe(allTimeFigure);

  await page.goto(`${host.url}#/assistant`);
  const answer = await ask(page, "What's the average invoice amount?");
  await expect(answer.getByTestId('answer-text')).toContainText(allTimeFigure);
  const prompt = answer.getByTestId('feedback-prompt');
  await prompt.getByRole('button', { name: 'Not helpful' }).click();
  await prompt.getByRole('textbox', { name: 'Correction' }).fill('Only count invoices issued this year');
  await prompt.getByRole('button', { name: 'Send correction' }).click();
  await expect(prompt.getByTestId('feedback-saved')).toBeVisible();

  // An English paraphrase: computed again for this year, and it says so first.
  const en = await ask(page, 'How much is a typical invoice?');
  const enText = en.getByTestId('answer-text');
  await expect(en.getByTestId('learned-from')).toContainText(`applied: only invoices issued in ${year}`);
  await expect(enText).toContainText(/^Applying your correction of .*“Only count invoices issued this year”\): only invoices issued in \d{4}\./);
  await expect(enText).toContainText(thisYearFigure);
  await expect(enText).not.toContainText(allTimeFigure);

  // An Italian paraphrase in the English UI: answered in Italian, with the same corrected figure.
  const it = await ask(page, 'Mediamente quanto vale una fattura?');
  const itText = it.getByTestId('answer-text');
  await expect(itText).toContainText(/^Applico la tua correzione del /);
  const itFigure = (await host.call('assistant:ask', { question: `Qual è l'importo medio delle fatture nel ${year}?` })).answer.match(/è ([\d.]+,\d{2}\s€)/)![1]!;
  await expect(itText).toContainText(itFigure);
  await expect(it.locator('.msg-meta')).toHaveText('Written offline by the built-in assistant');
});

test('a correction the data cannot check leads the answer, the computed figure following as the data’s view', async ({ page }) => {
  await page.goto(`${host.url}#/assistant`);
  const later = await ask(page, 'How much revenue did I make this month?');
  const text = (await later.getByTestId('answer-text').innerText()).trim();
  expect(text.startsWith(`According to your correction of`)).toBe(true);
  const marker = text.indexOf('The recorded data, which does not include it, shows:');
  expect(text.indexOf(CORRECTION)).toBeGreaterThan(0);
  expect(text.indexOf(CORRECTION)).toBeLessThan(marker);
  // The computed figure follows, as the data's view.
  expect(text.slice(marker)).toMatch(/revenue is €[\d,]+\.\d{2}|Your revenue in .* is €[\d,]+\.\d{2}/);
});

test('conversations survive a reload, are listed in the sidebar and can be deleted', async ({ page }) => {
  await page.goto(`${host.url}#/assistant`);
  const sidebar = page.getByRole('complementary', { name: 'Conversations' });
  await page.getByRole('button', { name: 'New conversation' }).click();
  await ask(page, 'Which invoices are overdue?');
  await ask(page, 'And unpaid ones?');
  await expect(page).toHaveURL(/#\/assistant\/[\w-]+$/);
  await page.reload();
  await expect(page.getByTestId('user-message')).toHaveText(['Which invoices are overdue?', 'And unpaid ones?']);
  await expect(page.getByTestId('assistant-answer')).toHaveCount(2);
  const item = sidebar.getByTestId('conversation').filter({ hasText: 'Which invoices are overdue?' });
  await expect(item).toContainText('2 questions');
  const before = await sidebar.getByTestId('conversation').count();
  await item.getByRole('button', { name: 'Delete “Which invoices are overdue?”' }).click();
  const dialog = page.getByTestId('confirm-dialog');
  await expect(dialog).toContainText('The corrections you gave in it stay');
  await dialog.getByRole('button', { name: 'Delete' }).click();
  await expect(sidebar.getByTestId('conversation')).toHaveCount(before - 1);
  await expect(page.getByTestId('assistant-answer')).toHaveCount(0);
  // Another conversation opens from the sidebar with its answers and the feedback given in it.
  const rated = await host.call('assistant:ask', { question: 'Who are my top clients?' });
  await host.call('feedback:submit', { agentType: 'chat', sessionId: rated.sessionId, messageId: rated.messageId, userInput: rated.question, aiResponse: rated.answer, thumb: 'up' });
  await page.reload();
  await sidebar.getByTestId('conversation').filter({ hasText: 'Who are my top clients?' }).getByRole('button').first().click();
  const reopened = page.getByTestId('assistant-answer');
  await expect(reopened).toHaveCount(1);
  await expect(reopened.getByTestId('answer-text')).toHaveText(rated.answer);
  await expect(reopened.getByTestId('feedback-saved')).toBeVisible();
  await expect(reopened.getByRole('button', { name: 'Helpful', exact: true })).toBeDisabled();
  await expect(reopened.getByRole('button', { name: 'Helpful', exact: true })).toHaveAttribute('aria-pressed', 'true');
});
