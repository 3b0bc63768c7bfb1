// The fault suite's summary: every case records its name, what data it checked and pass/fail;
// the global teardown prints them as one table at the end of `npm run test:faults`.
import fs from 'node:fs';
import { it } from 'vitest';

export interface FaultRow {
  case: string;
  checked: string;
  passed: boolean;
  error?: string;
}

export function tableFile(): string | undefined {
  return process.env.OPENFATTURE_FAULT_TABLE;
}

/** An `it` whose outcome, and the data it checked (set via the callback's `check`), goes in the table. */
export function faultCase(name: string, fn: (check: (what: string) => void) => Promise<void>, timeoutMs = 240_000): void {
  it(
    name,
    async () => {
      const checked: string[] = [];
      const row: FaultRow = { case: name, checked: '', passed: false };
      try {
        await fn((what) => checked.push(what));
        row.passed = true;
      } catch (e) {
        row.error = (e as Error).message.split('\n')[0];
        throw e;
      } finally {
        row.checked = checked.join('; ');
        const file = tableFile();
        if (file) fs.appendFileSync(file, JSON.stringify(row) + '\n');
      }
    },
    timeoutMs,
  );
}
