// Steps on the Assistant page (English UI) shared by the specs.
import { expect, type Locator, type Page } from '@playwright/test';

/** Sends a question and waits for its answer; returns the answer's card. */
export async function ask(page: Page, question: string): Promise<Locator> {
  const before = await page.getByTestId('assistant-answer').count();
  await page.getByRole('textbox', { name: 'Question' }).fill(question);
  await page.getByRole('button', { name: 'Send' }).click();
  await expect(page.getByTestId('assistant-answer')).toHaveCount(before + 1);
  return page.getByTestId('assistant-answer').last();
}
