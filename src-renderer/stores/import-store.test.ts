// The Import page's routing: what each dropped file goes through (main tells the kinds from the
// content; a CAMT.053 statement named .txt or .xml is a statement either way), which files a CSV's
// chosen kind sends to the statement import, and what the Import button counts.
import { describe, expect, it } from 'vitest';
import type { ImportSummary, StatementImport } from '../../src-preload/contract/import-channels';
import { classifyImportFile } from '../../src-main/core/import/classify-import-file';
import { writeCamt053 } from '../../src-main/core/bank/write-statement';
import { importCounts, planImport, statementCsvArgs, statementFiles } from './import-store';

const enc = (s: string) => new TextEncoder().encode(s);
const camt = writeCamt053([], { version: '08', account: 'IT60X0542811101000000123456', statementId: 'S', createdAt: '2025-03-31T08:00:00' });

describe('import routing', () => {
  it('sends a CAMT.053 statement to its own dry run whatever its name, beside the FatturaPA files of the same drop', () => {
    const dropped = [
      { name: 'IT01234567890_FPR01.xml', bytes: enc('<?xml version="1.0"?><p:FatturaElettronica xmlns:p="http://ivaservizi.agenziaentrate.gov.it/docs/xsd/fatture/v1.2"/>') },
      { name: 'estratto-marzo.xml', bytes: enc(camt) },
      { name: 'estratto-aprile.txt', bytes: enc(camt) },
    ];
    const plan = planImport(dropped.map((f) => ({ name: f.name, kind: classifyImportFile(f.name, f.bytes) })));
    expect(plan).toEqual({ invoices: true, statements: ['estratto-marzo.xml', 'estratto-aprile.txt'], csv: null });
    // A statement alone: no invoice reading at all.
    expect(planImport([{ name: 'estratto.xml', kind: 'statement' }])).toEqual({ invoices: false, statements: ['estratto.xml'], csv: null });
  });

  it('reads a CSV as invoices or as statement entries, as chosen on the mapping step', () => {
    const plan = planImport([
      { name: 'movimenti.csv', kind: 'csv' },
      { name: 'estratto.xml', kind: 'statement' },
    ]);
    expect(plan.invoices).toBe(false);
    expect(statementFiles(plan, 'statement')).toEqual(['estratto.xml', 'movimenti.csv']);
    expect(statementFiles(plan, 'invoices')).toEqual(['estratto.xml']);
    expect(statementCsvArgs({ booking_date: 'Data', amount: 'Importo' }, '  IT60X0542811101000000123456 ', '')).toEqual({ map: { booking_date: 'Data', amount: 'Importo' }, account: 'IT60X0542811101000000123456' });
    expect(statementCsvArgs({}, ' ', 'D/M/YYYY')).toEqual({ map: {}, dateFormat: 'D/M/YYYY' });
  });

  it('counts what the Import button writes: new invoices and new statement entries, nothing while the firm is asked or for a refused file', () => {
    const summary = (added: number, updated: number, needsFirm = false) => ({ added, updated, needsFirm }) as ImportSummary;
    const statement = (added: number) => ({ ok: true, added }) as StatementImport;
    expect(importCounts([summary(3, 1)], [statement(12), { ok: false, file: 'x.xml', reason: 'damaged', reasonMessage: null }])).toEqual({ invoices: 4, entries: 12 });
    expect(importCounts([summary(3, 0, true)], [])).toEqual({ invoices: 0, entries: 0 });
  });
});
