// `openfatture import invoices` on a file with 250,000 rejected rows (Math.max(...widths) of the
// table overflowed the call stack from about 125,000 on Node 20): the terminal gets
// the first 50 and a summary per field, `--json` gets every one (streamed, parseable), and the exit
// codes stay those of any import (3 when some rows were imported and others rejected, 2 when nothing
// was written).
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../core/db/database';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function tmpDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'of-import-cli-'));
  dirs.push(d);
  return d;
}

const VALID = 3;
const BAD_DATES = 249_750;
const BAD_TOTALS = 250;
const REJECTED = BAD_DATES + BAD_TOTALS;

/** A CSV whose headers are named like the import fields: VALID good rows first, then the rejects. */
function writeCsv(dir: string): string {
  const lines = ['number,client_name,issue_date,total'];
  for (let i = 1; i <= VALID; i++) lines.push(`${i},Cliente ${i},2024-0${i}-15,${i * 100}`);
  for (let i = 0; i < BAD_DATES; i++) lines.push(`,Cliente Storico,2024-13-${String((i % 28) + 1).padStart(2, '0')},100`);
  for (let i = 0; i < BAD_TOTALS; i++) lines.push(`,Cliente Storico,2024-02-01,abc`);
  const file = path.join(dir, 'storico.csv');
  fs.writeFileSync(file, lines.join('\n') + '\n');
  return file;
}

function cli(dataDir: string, ...args: string[]) {
  const r = spawnSync('node', ['bin/openfatture.js', '--data-dir', dataDir, 'import', 'invoices', ...args], { encoding: 'utf8', maxBuffer: 1024 * 1024 * 1024 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

const invoiceCount = (dataDir: string) => {
  const db = openDatabase(path.join(dataDir, 'openfatture.db'));
  try {
    return (db.sqlite.prepare('SELECT COUNT(*) AS n FROM invoices').get() as { n: number }).n;
  } finally {
    void db.close();
  }
};

describe(`openfatture import invoices with ${REJECTED} rejected rows`, () => {
  const dir = tmpDir();
  const file = writeCsv(dir);

  it('prints the first 50 rejected rows and a summary, and exits 3 when some rows were imported', () => {
    const dataDir = tmpDir();
    const r = cli(dataDir, file);
    expect(r.stderr).not.toMatch(/Maximum call stack/);
    expect(r.code, r.stderr).toBe(3);
    expect(r.stdout).toContain(`Imported ${VALID} of ${VALID + REJECTED} invoice(s)`);
    expect(r.stdout).toContain(`${REJECTED} rejected;`);
    expect(r.stdout).toContain(`Rejected rows (the first 50 of ${REJECTED}):`);
    const tableRows = r.stdout.split('\n').filter((l) => /^\s*\d+\s+(issue_date|total)\b/.test(l));
    expect(tableRows).toHaveLength(50);
    // In file order: the header is line 1, the valid rows lines 2-4, the first reject line 5.
    expect(tableRows[0]).toMatch(/^\s*5\s+issue_date\s+"2024-13-01" is not a valid date in the format YYYY-MM-DD/);
    expect(tableRows[49]).toMatch(/^\s*54\s+issue_date/);
    expect(r.stdout).toContain(`… ${REJECTED - 50} more row(s) not shown (of ${REJECTED})`);
    expect(r.stdout).toContain(`Rejected rows by field: issue_date ${BAD_DATES}, total ${BAD_TOTALS}. Run with --json for every rejected row.`);
    // The terminal output stays small: the summary, not 120,000 lines.
    expect(r.stdout.split('\n').length).toBeLessThan(70);
    expect(invoiceCount(dataDir)).toBe(VALID);

    // The same file again: the valid rows are already imported (skipped), the rest still rejected, so
    // nothing new is written and the exit code says so.
    const again = cli(dataDir, file, '--json');
    expect(again.code, again.stderr).toBe(2);
    const json = JSON.parse(again.stdout) as { rows: number; imported: number; skipped: number; rejected: number; rejects: { line: number; field: string; reason: string }[] };
    expect(json).toMatchObject({ rows: VALID + REJECTED, imported: 0, skipped: VALID, rejected: REJECTED });
    expect(json.rejects).toHaveLength(REJECTED);
    expect(invoiceCount(dataDir)).toBe(VALID);
  }, 900_000);

  it('--json lists every rejected row in parseable JSON and exits 3 for a partial import', () => {
    const dataDir = tmpDir();
    const r = cli(dataDir, file, '--json');
    expect(r.code, r.stderr).toBe(3);
    const json = JSON.parse(r.stdout) as { imported: number; rejected: number; nothingWritten: boolean; rejects: { line: number; field: string; column: string | null }[]; invoiceIds: number[] };
    expect(json).toMatchObject({ imported: VALID, rejected: REJECTED, nothingWritten: false });
    expect(json.invoiceIds).toHaveLength(VALID);
    expect(json.rejects).toHaveLength(REJECTED);
    expect(json.rejects[0]).toMatchObject({ line: VALID + 2, field: 'issue_date', column: 'issue_date' });
    expect(json.rejects.at(-1)).toMatchObject({ line: VALID + REJECTED + 1, field: 'total', column: 'total' });
    expect(json.rejects.filter((x) => x.field === 'issue_date')).toHaveLength(BAD_DATES);
  }, 600_000);
});
