// kill -9 in the middle of `demo seed` must leave a consistent database: whole transactions only
// (every invoice with its lines and instalments, totals equal to the lines, integrity_check ok).
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, expect } from 'vitest';
import { faultCase } from '../../../tests/faults/fault-table';
import { checkDomainConsistency } from '../../core/demo/demo-consistency';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

faultCase('mid demo seed (kill -9 between batches)', async (check) => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-demo-kill-'));
  dirs.push(dir);
  const total = 40_000;
  const batch = 250;
  const child = spawn(process.execPath, [path.join(repoRoot, 'bin/openfatture.js'), '--data-dir', dir, 'demo', 'seed', '--clients', '80', '--invoices', String(total), '--batch-size', String(batch), '--today', '2025-11-20'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<NodeJS.Signals | number | null>((resolve) => child.on('exit', (code, signal) => resolve(signal ?? code)));
  // Kill as soon as the first batch is reported committed: the seed goes on writing later batches, so the kill lands among them.
  await new Promise<void>((resolve, reject) => {
    child.stderr.on('data', (b: Buffer) => {
      stderr += b.toString();
      if (/invoices written/.test(stderr)) resolve();
    });
    void exited.then(() => reject(new Error(`demo seed ended before it could be killed: ${stderr}`)));
  });
  child.kill('SIGKILL');
  expect(await exited).toBe('SIGKILL');

  const db = new BetterSqlite3(path.join(dir, 'openfatture.db'));
  try {
    const report = checkDomainConsistency(db);
    expect(report.integrity).toBe('ok');
    expect(report.problems).toEqual([]);
    expect(report.invoices).toBeGreaterThan(0);
    expect(report.invoices).toBeLessThan(total);
    expect(report.invoices % batch).toBe(0);
    expect((db.prepare('SELECT COUNT(*) AS n FROM clients').get() as { n: number }).n).toBe(80);
    check(`${report.invoices} invoices in whole batches of ${batch}, totals = lines, integrity ok, 80 clients`);
  } finally {
    db.close();
  }
});
