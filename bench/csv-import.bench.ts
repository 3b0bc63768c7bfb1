// A 20,000-row CSV import driven through the IPC router as the Import page drives it (upload in
// Base64 chunks, preview, dry run, import), measuring the main event loop's lag (monitorEventLoopDelay)
// against same-run baselines: the same file imported all-or-nothing in one transaction (`--strict`,
// the CLI's mode, which blocks its thread for the whole write by design); a main thread doing nothing
// but busy work in the same 8 ms slices (what this machine's load does to any busy, yielding thread);
// and an idle loop.
// The rows are another system's export of a demo history: text client ids, P.IVA, ISO dates, totals
// and payments.
// Run: npx tsx bench/csv-import.bench.ts   (BENCH_ROWS to change the size)
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { App } from '../src-main/core/app';
import { loadSettings } from '../src-main/core/config/load';
import { openDatabase } from '../src-main/core/db/database';
import { migrate } from '../src-main/core/db/migrator';
import { generateDemo } from '../src-main/core/demo/generate-demo';
import { issuedInvoicesForExport } from '../src-main/core/domain/invoice-export-repository';
import { importInvoicesCsv, parseMapSpec } from '../src-main/core/import/invoice-csv-import';
import { createLogger } from '../src-main/core/logger';
import { createAppRouter } from '../src-main/ipc/create-app-router';
import { IMPORT_CHUNK_BYTES } from '../src-preload/contract/import-channels';
import { callChannel, measureLag } from './event-loop-lag';
import { report } from './report';

const ROWS = Number(process.env.BENCH_ROWS ?? 20_000);
const MAP = { number: 'Invoice', client: 'Customer ID', client_name: 'Customer', client_piva: 'VAT', issue_date: 'Date', due_date: 'Due', total: 'Total', paid_date: 'Paid on', paid_amount: 'Paid' } as const;

/** The demo history as another system's CSV export. */
function demoCsv(dir: string): string {
  const db = openDatabase(path.join(dir, 'source.db'));
  migrate(db.sqlite);
  generateDemo(db.sqlite, { clients: Math.max(20, Math.round(ROWS / 80)), invoices: ROWS, seed: 21, today: '2026-06-30', years: 5 });
  const lines = [Object.values(MAP).join(',')];
  let after = 0;
  for (let page = issuedInvoicesForExport(db.sqlite, after, 2000); page.length; page = issuedInvoicesForExport(db.sqlite, after, 2000)) {
    for (const inv of page) {
      const total = (inv.totalCents / 100).toFixed(2);
      lines.push([`${inv.number}/${inv.year}`, `CUST-${inv.client.id}`, `"${inv.client.denominazione}"`, inv.client.partitaIva ?? '', inv.issueDate, inv.dueDate, total, '', ''].join(','));
    }
    after = page[page.length - 1]!.id;
  }
  db.sqlite.close();
  return lines.slice(0, ROWS + 1).join('\n');
}

async function main(): Promise<void> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-bench-csv-'));
  const logger = createLogger({ consoleLevel: 'silent' });
  const open = (name: string) => App.open({ settings: loadSettings({ env: {}, flags: { DATA_DIR: path.join(dir, name) }, cwd: dir }), host: 'test', logger });
  try {
    const csv = demoCsv(dir);
    const bytes = Buffer.from(csv);
    console.log(`${ROWS} rows, ${(bytes.length / 2 ** 20).toFixed(1)} MiB`);

    // Baseline 1: an idle loop.
    const idle = await measureLag(() => new Promise((r) => setTimeout(r, 3000)));
    // Baseline 2: busy work in 8 ms slices with a yield after each, for 10 s.
    const busy = await measureLag(async () => {
      const end = performance.now() + 10_000;
      let x = 0;
      while (performance.now() < end) {
        const slice = performance.now();
        while (performance.now() - slice < 8) x = (x * 31 + 7) % 1_000_003;
        await new Promise((r) => setImmediate(r));
      }
      return x;
    });
    console.log(`idle loop lag p99 ${idle.lag.p99.toFixed(1)} ms; busy 8 ms slices lag p99 ${busy.lag.p99.toFixed(1)} ms, max ${busy.lag.max.toFixed(0)} ms`);

    // Baseline 3: the same file all-or-nothing (--strict): one transaction, the CLI's mode.
    const strictApp = await open('strict');
    const strict = await measureLag(() =>
      importInvoicesCsv({ sqlite: strictApp.database.sqlite, clients: strictApp.clients, invoices: strictApp.invoices, payments: strictApp.payments }, csv, {
        map: parseMapSpec([Object.entries(MAP).map(([k, v]) => `${k}=${v}`).join(',')]),
        strict: true,
        source: 'export.csv',
      }),
    );
    await strictApp.close();
    console.log(`strict (one transaction): ${strict.lag.seconds.toFixed(1)} s, ${strict.value.added} added, lag p99 ${strict.lag.p99.toFixed(0)} ms, max ${strict.lag.max.toFixed(0)} ms`);

    // The page's flow.
    const app = await open('page');
    const router = createAppRouter(app, { version: 'bench' });
    const phases: Record<string, number> = {};
    let markStep = (_step: string): void => undefined;
    const timed = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
      markStep(name);
      const t0 = performance.now();
      const v = await fn();
      phases[name] = (performance.now() - t0) / 1000;
      return v;
    };
    try {
      const flow = await measureLag(async (mark) => {
        markStep = mark;
        const { sessionId } = await callChannel<{ sessionId: string }>(router, 'import:begin', {});
        await timed('upload', async () => {
          for (let offset = 0; offset < bytes.length; offset += IMPORT_CHUNK_BYTES) {
            await callChannel(router, 'import:upload', { sessionId, name: 'export.csv', offset, data: bytes.subarray(offset, offset + IMPORT_CHUNK_BYTES).toString('base64') });
          }
        });
        await timed('preview', () => callChannel(router, 'import:csvPreview', { sessionId, file: 'export.csv' }));
        const args = { sessionId, kind: 'csv', file: 'export.csv', csv: { map: MAP } };
        const dry = await timed('analyze', () => callChannel<{ added: number; rejected: number }>(router, 'import:analyze', args));
        const done = await timed('run', () => callChannel<{ added: number; rejected: number; clientsCreated: number }>(router, 'import:run', args));
        return { dry, done };
      });
      const { dry, done } = flow.value;
      console.log(`page flow: ${flow.lag.seconds.toFixed(1)} s (${Object.entries(phases).map(([k, v]) => `${k} ${v.toFixed(1)} s`).join(', ')}), lag p99 ${flow.lag.p99.toFixed(1)} ms, max ${flow.lag.max.toFixed(0)} ms; ${done.added} added, ${done.rejected} rejected`);
      if (done.added !== strict.value.added) throw new Error(`the page imported ${done.added} rows, the strict import ${strict.value.added}`);
      const load = os.loadavg();
      report({
        bench: 'csv-import',
        title: `Importing a ${ROWS.toLocaleString('en')}-row CSV through the Import page flow`,
        command: 'npx tsx bench/csv-import.bench.ts',
        settings: { rows: ROWS, csvMiB: Math.round((bytes.length / 2 ** 20) * 10) / 10, uploadChunkKiB: IMPORT_CHUNK_BYTES / 1024, lagResolutionMs: 1 },
        figures: [
          { metric: 'event-loop lag p99 during the page flow (dry run + import)', value: flow.lag.p99, unit: 'ms', baseline: { label: 'busy work in 8 ms slices', value: busy.lag.p99 } },
          { metric: 'event-loop lag p99, same file in one transaction (--strict)', value: strict.lag.p99, unit: 'ms', baseline: { label: 'idle loop', value: idle.lag.p99 } },
          { metric: 'event-loop lag max during the page flow', value: flow.lag.max, unit: 'ms', baseline: { label: 'one transaction (--strict)', value: strict.lag.max } },
          { metric: 'event-loop lag max, busy work in 8 ms slices', value: busy.lag.max, unit: 'ms', baseline: { label: 'idle loop', value: idle.lag.max } },
          { metric: 'event-loop lag p50 during the page flow', value: flow.lag.p50, unit: 'ms', baseline: { label: 'busy work in 8 ms slices', value: busy.lag.p50 } },
          { metric: `import:run (${ROWS.toLocaleString('en')} rows)`, value: phases.run!, unit: 's', baseline: { label: 'one transaction (--strict)', value: strict.lag.seconds } },
          { metric: 'import:analyze (dry run)', value: phases.analyze!, unit: 's', baseline: { label: 'one transaction (--strict)', value: strict.lag.seconds } },
          { metric: 'whole page flow', value: flow.lag.seconds, unit: 's' },
        ],
        notes: [
          `The page flow: upload (${Math.ceil(bytes.length / IMPORT_CHUNK_BYTES)} chunks), preview, dry run (${dry.added} to add), import (${done.added} added, ${done.rejected} rejected, ${done.clientsCreated} clients created).`,
          `Longest main-thread stall in the flow: ${flow.stall.ms.toFixed(0)} ms, during "${flow.stall.step}".`,
          'The CSV is parsed in 64 KiB slices, checked and written in slices of 8 ms (one transaction each), yielding to the event loop in between; --strict keeps one transaction for all-or-nothing.',
          `Machine shared with other work while measuring (load average ${load.map((l) => l.toFixed(1)).join(', ')} on ${os.cpus().length} cores).`,
        ],
      });
    } finally {
      router.dispose();
      await app.close();
    }
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

await main();
