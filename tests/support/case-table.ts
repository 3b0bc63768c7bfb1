// A suite whose cases each record their name, what they checked and pass/fail; the suite's global
// teardown prints them as one table (the fault-injection and security suites use it).
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { it } from 'vitest';

export interface CaseRow {
  case: string;
  checked: string;
  passed: boolean;
  error?: string;
}

const TABLE_ENV = 'OPENFATTURE_CASE_TABLE';

/** An `it` whose outcome, and the data it checked (set via the callback's `check`), goes in the table. */
export function tableCase(name: string, fn: (check: (what: string) => void) => Promise<void>, timeoutMs = 240_000): void {
  it(
    name,
    async () => {
      const checked: string[] = [];
      const row: CaseRow = { case: name, checked: '', passed: false };
      try {
        await fn((what) => checked.push(what));
        row.passed = true;
      } catch (e) {
        row.error = (e as Error).message.split('\n')[0];
        throw e;
      } finally {
        row.checked = checked.join('; ');
        const file = process.env[TABLE_ENV];
        if (file) fs.appendFileSync(file, JSON.stringify(row) + '\n');
      }
    },
    timeoutMs,
  );
}

/** A vitest globalSetup that collects the rows of `tableCase` and prints them under `title`. */
export function caseTableSetup(title: string, columnTitle: string): () => () => void {
  return () => {
    const file = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'of-cases-')), 'table.jsonl');
    fs.writeFileSync(file, '');
    process.env[TABLE_ENV] = file;
    return () => {
      const rows = fs.readFileSync(file, 'utf8').split('\n').filter(Boolean).map((l) => JSON.parse(l) as CaseRow);
      fs.rmSync(path.dirname(file), { recursive: true, force: true });
      const w = Math.max(4, ...rows.map((r) => r.case.length));
      const lines = rows.map((r) => `${r.passed ? 'PASS' : 'FAIL'}  ${r.case.padEnd(w)}  ${r.passed ? r.checked : `${r.checked}${r.error ? ` — ${r.error}` : ''}`}`);
      console.log(`\n${title}\nresult  ${'case'.padEnd(w)}  ${columnTitle}\n${lines.join('\n')}`);
      console.log(`${rows.filter((r) => r.passed).length} passed, ${rows.filter((r) => !r.passed).length} failed`);
    };
  };
}
