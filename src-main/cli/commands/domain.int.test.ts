// The domain CLI end to end: the acceptance command lines of the foundation issue, spawned as a user
// would run them, each in its own data dir; bad input exits 2 naming the flag and writes nothing.
import { spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { PassThrough } from 'node:stream';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, describe, expect, it } from 'vitest';
import { App } from '../../core/app';
import { loadSettings } from '../../core/config/load';
import type { InvoiceDetail, InvoiceSummary } from '../../core/domain/invoice-service';
import { promptInvoice } from './domain';

const repoRoot = path.resolve(import.meta.dirname, '../../..');
const bin = path.join(repoRoot, 'bin/openfatture.js');
const dirs: string[] = [];
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

function dataDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'of-cli-domain-'));
  dirs.push(d);
  return d;
}

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}

function run(dir: string, args: string[], env: Record<string, string> = {}): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [bin, '--data-dir', dir, ...args], {
      cwd: dir,
      env: { ...process.env, OPENFATTURE_TODAY: '', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (b: Buffer) => (stdout += b.toString()));
    child.stderr.on('data', (b: Buffer) => (stderr += b.toString()));
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

function rowCounts(dir: string): Record<string, number> {
  const db = new BetterSqlite3(path.join(dir, 'openfatture.db'), { readonly: true });
  try {
    return Object.fromEntries(
      ['clients', 'products', 'invoices', 'invoice_lines', 'payments', 'rag_changes'].map((t) => [t, (db.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n]),
    );
  } finally {
    db.close();
  }
}

describe('domain CLI', () => {
  it('init-db && demo seed && fattura lista --json', async () => {
    const dir = dataDir();
    expect((await run(dir, ['init-db'])).code).toBe(0);
    const seed = await run(dir, ['demo', 'seed', '--clients', '15', '--invoices', '300', '--today', '2025-11-20']);
    expect(seed.stderr).toContain('300/300 invoices written');
    expect(seed.code).toBe(0);
    expect(seed.stdout).toMatch(/Invoices\s+300/);
    const list = await run(dir, ['fattura', 'lista', '--json']);
    expect(list.code).toBe(0);
    const rows = JSON.parse(list.stdout) as InvoiceSummary[];
    expect(rows).toHaveLength(300);
    expect(rows[0]!.issue_date >= rows[299]!.issue_date).toBe(true);
    expect(rows.some((r) => r.status === 'paid') && rows.some((r) => r.outstanding_cents > 0)).toBe(true);
    const overdue = JSON.parse((await run(dir, ['invoice', 'list', '--scadute', '--json'])).stdout) as InvoiceSummary[];
    expect(overdue.length).toBeGreaterThan(0);
    expect(overdue.length).toBeLessThan(300);
  }, 600_000);

  it('fattura crea with flags, then mostra --json shows correct totals; paga records a partial payment', async () => {
    const dir = dataDir();
    const client = await run(dir, ['cliente', 'crea', '--denominazione', 'Rossi Impianti Srl', '--piva', 'IT00159560366', '--termini', '30', '--fine-mese', '--cap', '20121', '--provincia', 'mi', '--json']);
    expect(client.code).toBe(0);
    expect(JSON.parse(client.stdout)).toMatchObject({ partita_iva: '00159560366', province: 'MI', payment_terms_eom: 1 });
    const updated = await run(dir, ['client', 'update', '00159560366', '--email', 'amministrazione@rossi-impianti.it', '--json']);
    expect(JSON.parse(updated.stdout)).toMatchObject({ email: 'amministrazione@rossi-impianti.it', payment_terms_days: 30 });
    const created = await run(dir, ['fattura', 'crea', '--cliente', 'Rossi Impianti', '--riga', 'Consulenza tecnica;2,5;85,00;22', '--riga', 'Formazione;1;700;0', '--data', '2025-03-14']);
    expect(created.code).toBe(0);
    expect(created.stdout).toContain('Fattura 1/2025');
    const shown = await run(dir, ['fattura', 'mostra', '1/2025', '--json']);
    const d = JSON.parse(shown.stdout) as InvoiceDetail;
    expect(d.lines.map((l) => [l.net_cents, l.vat_cents, l.total_cents])).toEqual([
      [21250, 4675, 25925],
      [70000, 0, 70000],
    ]);
    expect(d.invoice).toMatchObject({ net_cents: 91250, vat_cents: 4675, bollo_cents: 200, total_cents: 96125, due_date: '2025-04-30', status: 'issued' });
    expect(d.payments).toMatchObject([{ due_date: '2025-04-30', amount_cents: 96125, paid_date: null }]);
    const paid = await run(dir, ['fattura', 'paga', '1/2025', '--importo', '500,00', '--data', '2025-05-02', '--json']);
    expect(paid.code).toBe(0);
    expect(JSON.parse(paid.stdout).invoice).toMatchObject({ status: 'partially_paid', paid_cents: 50000, outstanding_cents: 46125 });
    const over = await run(dir, ['invoice', 'pay', '1/2025', '--importo', '461,26']);
    expect(over.code).toBe(2);
    expect(over.stderr).toMatch(/--importo: 461,26\s€ exceeds the 461,25\s€ still open on invoice 1\/2025/);
    const shownClient = JSON.parse((await run(dir, ['cliente', 'mostra', 'Rossi', '--json'])).stdout) as { invoices: number; outstandingCents: number };
    expect(shownClient).toMatchObject({ invoices: 1, outstandingCents: 46125 });
    const del = await run(dir, ['fattura', 'elimina', '1/2025']);
    expect(del.code).toBe(2);
    expect(del.stderr).toContain('--force');
  }, 600_000);

  it('each bad input exits 2 with a precise message and writes nothing', async () => {
    const dir = dataDir();
    expect((await run(dir, ['cliente', 'crea', '--denominazione', 'Bianchi Srl', '--piva', '01234567897'])).code).toBe(0);
    const before = rowCounts(dir);
    const cases: [string[], RegExp, Record<string, string>?][] = [
      [['cliente', 'crea', '--denominazione', 'Verdi Srl', '--piva', '01234567890'], /--piva: invalid P\.IVA: "01234567890" fails the check digit \(expected last digit 7\)/],
      [['fattura', 'crea', '--cliente', 'Bianchi', '--riga', 'Consulenza;-2;85;22'], /--riga 1: quantity must be greater than 0, got -2/],
      [['fattura', 'crea', '--cliente', 'Bianchi', '--riga', 'Consulenza;1;85;22', '--data', '2025-02-30'], /--data: expected a date as YYYY-MM-DD, got "2025-02-30"/],
      [['fattura', 'crea', '--cliente', 'Neri SpA', '--riga', 'Consulenza;1;85;22'], /--cliente: no client matches "Neri SpA"/],
      [['fattura', 'lista', '--json'], /OPENFATTURE_RAG_AUTO_UPDATE_BATCH_SIZE=abc is invalid .*expected an integer/, { OPENFATTURE_RAG_AUTO_UPDATE_BATCH_SIZE: 'abc' }],
      [['fattura', 'crea', '--cliente', 'Bianchi', '--riga', 'Consulenza;1;85;21'], /--riga 1: VAT rate must be one of 0, 4, 5, 10, 22/],
      [['fattura', 'crea'], /--cliente: is required \(no terminal/],
      [['prodotto', 'crea', '--codice', 'X', '--descrizione', 'x', '--prezzo', '-5'], /--prezzo: must not be negative/],
      [['cliente', 'crea', '--denominazione', 'Gialli', '--cap', '123'], /--cap: must be 5 digits, got "123"/],
      [['demo', 'seed', '--invoices', 'many'], /--invoices: expected an integer, got "many"/],
    ];
    for (const [args, message, env] of cases) {
      const r = await run(dir, args, env);
      expect({ args, code: r.code }).toEqual({ args, code: 2 });
      expect(r.stderr).toMatch(message);
      expect(rowCounts(dir)).toEqual(before);
    }
  }, 900_000);
});

describe('interactive fattura crea', () => {
  it('asks for client, lines, date and confirmation, re-asking after a bad answer', async () => {
    const dir = dataDir();
    const app = await App.open({ settings: loadSettings({ env: {}, flags: { DATA_DIR: dir } }), host: 'test' });
    try {
      app.clients.create({ denominazione: 'Colombo Logistica Srl', partitaIva: '01234567897' });
      app.products.create({ code: 'SVIL', description: 'Sviluppo software', unitPriceCents: 45000, vatRate: 22 });
      const input = new PassThrough();
      const output = new PassThrough();
      const answers = ['Nessuno', 'Colombo', 'SVIL', '3', 'Trasferta', 'uno', '1', '150,00', '', '', '2025-13-01', '2025-06-03', 's'];
      let transcript = '';
      output.on('data', (b: Buffer) => {
        transcript += b.toString();
        if (/(: |\] )$/.test(transcript)) input.write(`${answers.shift() ?? ''}\n`);
      });
      const result = await promptInvoice(app, { lines: [] }, { input, output });
      expect(transcript).toContain('no client matches "Nessuno"');
      expect(transcript).toContain('quantità: quantity must be a number, got "uno"');
      expect(transcript).toContain('data: expected YYYY-MM-DD, got "2025-13-01"');
      expect(transcript).toMatch(/Totale 1\.?830,00\s€/);
      expect(result).toMatchObject({ issueDate: '2025-06-03', lines: [{ quantity: 3 }, { description: 'Trasferta', quantity: 1, unitPriceCents: 15000, vatRate: 22 }] });
      const detail = app.invoices.create(result!);
      expect(detail.invoice.total_cents).toBe(183000);
    } finally {
      await app.close();
    }
  });

  it('keeps answers typed ahead or pasted in one go', async () => {
    const dir = dataDir();
    const app = await App.open({ settings: loadSettings({ env: {}, flags: { DATA_DIR: dir } }), host: 'test' });
    try {
      const client = app.clients.create({ denominazione: 'Colombo Logistica Srl' });
      const input = new PassThrough();
      const output = new PassThrough();
      output.resume();
      input.end('Trasferta;\n2\n150\n10\n\n2025-06-03\n\n');
      const result = await promptInvoice(app, { client, lines: [] }, { input, output });
      expect(result).toEqual({ clientId: client.id, issueDate: '2025-06-03', lines: [{ description: 'Trasferta;', quantity: 2, unitPriceCents: 15000, vatRate: 10 }] });
    } finally {
      await app.close();
    }
  });

  it('ends without writing when the input closes', async () => {
    const dir = dataDir();
    const app = await App.open({ settings: loadSettings({ env: {}, flags: { DATA_DIR: dir } }), host: 'test' });
    try {
      app.clients.create({ denominazione: 'Colombo Logistica Srl' });
      const input = new PassThrough();
      const output = new PassThrough();
      output.on('data', () => input.end());
      await expect(promptInvoice(app, { lines: [] }, { input, output })).rejects.toThrow(/nothing was written/);
      expect(app.invoices.count()).toBe(0);
    } finally {
      await app.close();
    }
  });
});
