// `openfatture import statement`: a CAMT.053 fixture imported twice (the second adds nothing), a CSV
// export without its account refused with exit 2 naming --account, and `--json` giving the figures.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function cli(dataDir: string, ...args: string[]) {
  const r = spawnSync('node', ['bin/openfatture.js', '--data-dir', dataDir, ...args], { encoding: 'utf8' });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

describe('openfatture import statement', () => {
  it('imports a CAMT.053 statement once, refuses a CSV without its account, and reports as JSON', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-statement-cli-'));
    dirs.push(dir);
    const data = path.join(dir, 'data');
    const file = path.resolve('tests/fixtures/camt053/camt.053.001.06.xml');
    const first = cli(data, 'import', 'statement', file, '--json');
    expect(first.code, first.stderr).toBe(0);
    const r = JSON.parse(first.stdout) as { format: string; entries: number; credits: number; debits: number; added: number; skipped: number; reconcile: { modelVersion: string } };
    expect(r).toMatchObject({ format: 'camt.053.001.06', entries: 6, credits: 5, debits: 1, added: 6, skipped: 0 });
    expect(r.reconcile.modelVersion).toBe('0.0.0');
    const again = cli(data, 'import', 'statement', file);
    expect(again.code).toBe(0);
    expect(again.stdout).toContain('0 added, 6 already imported');
    expect(again.stdout).toContain('no payment was recorded twice');

    const csv = path.join(dir, 'conto.csv');
    fs.writeFileSync(csv, 'Data;Importo;Causale\n2025-03-02;100,00;Saldo fattura 1\n');
    const noAccount = cli(data, 'import', 'statement', csv);
    expect(noAccount.code).toBe(2);
    expect(noAccount.stderr).toMatch(/--account/);
    const withAccount = cli(data, 'import', 'statement', csv, '--account', 'IT60X0542811101000000123456', '--json');
    expect(withAccount.code, withAccount.stderr).toBe(0);
    expect(JSON.parse(withAccount.stdout)).toMatchObject({ format: 'csv', added: 1 });
  });
});
