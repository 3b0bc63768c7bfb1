// Property-based: CSV files of random rows (valid ones, and ones with exactly one corrupted field:
// bad dates, amounts with letters or out of range, missing columns, unknown flags) with quotes, BOM,
// CRLF and blank lines. Every bad row is reported with its physical line and the field at fault;
// default mode writes exactly the valid rows, strict mode writes nothing when any row is bad.
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { openDatabase, type Database } from '../../src-main/core/db/database';
import { ClientService } from '../../src-main/core/domain/client-service';
import { InvoiceService } from '../../src-main/core/domain/invoice-service';
import { PaymentService } from '../../src-main/core/domain/payment-service';
import { importInvoicesCsv, type ImportField } from '../../src-main/core/import/invoice-csv-import';
import { fuzzRuns, recordFuzz } from './fuzz-counter';

// Column order: issue_date last, so a row cut short loses the one column that is always required.
const COLUMNS = ['client_name', 'year', 'description', 'total', 'due_date', 'paid_date', 'paid_amount', 'disputed', 'document_type', 'issue_date'] as const;
type Column = (typeof COLUMNS)[number];

const FORMATS = {
  'YYYY-MM-DD': (y: number, m: number, d: number) => `${y}-${pad(m)}-${pad(d)}`,
  'DD/MM/YYYY': (y: number, m: number, d: number) => `${pad(d)}/${pad(m)}/${y}`,
} as const;
type FormatName = keyof typeof FORMATS;
const pad = (n: number) => String(n).padStart(2, '0');

const CLIENT_NAMES = ['Rossi S.r.l.', 'Bianchi SpA', 'Società «Ünïcode» & C.', 'Verdi, Neri e "Gialli"'];

interface RowSpec {
  cells: Record<Column, string>;
  /** The field the importer must blame, or null for a row that must be imported. */
  bad: ImportField | null;
  /** Drop the trailing cells (issue_date) so the row is short. */
  truncate: boolean;
}

const dayOf2024 = fc.integer({ min: 0, max: 330 });
const isoOf = (offset: number) => new Date(Date.UTC(2024, 0, 1) + offset * 86_400_000);

/** Money as other systems write it: dot or Italian decimals, thousands separators, a € sign. */
const validAmount = fc.integer({ min: 1, max: 5_000_000 }).chain((cents) =>
  fc.constantFrom(
    `${Math.floor(cents / 100)}.${pad(cents % 100)}`,
    `${Math.floor(cents / 100)},${pad(cents % 100)}`,
    `${Math.floor(cents / 100).toLocaleString('de-DE')},${pad(cents % 100)}`,
    `€ ${Math.floor(cents / 100)}.${pad(cents % 100)}`,
  ).map((text) => ({ cents, text })),
);

const description = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.constantFrom('', 'Consulenza "urgente", fase 1', 'riga\ncon a capo', 'virgola, punto; tab\tfine', 'àèìòù € ©', '"', '""', '  spazi  '),
);

function validRow(fmt: FormatName) {
  return fc
    .record({
      client: fc.constantFrom(...CLIENT_NAMES),
      issue: dayOf2024,
      dueAfter: fc.option(fc.integer({ min: 0, max: 120 })),
      paidAfter: fc.option(fc.integer({ min: 0, max: 30 })),
      paidPart: fc.option(fc.integer({ min: 1, max: 100 })),
      total: validAmount,
      description,
      year: fc.boolean(),
      disputed: fc.constantFrom('', 'no', 'sì', 'true', '0', 'X'),
      documentType: fc.constantFrom('', 'TD01', 'TD04'),
    })
    .map((r) => {
      const issue = isoOf(r.issue);
      const date = (d: Date) => FORMATS[fmt](d.getUTCFullYear(), d.getUTCMonth() + 1, d.getUTCDate());
      const paid = r.paidAfter === null ? '' : date(isoOf(r.issue + r.paidAfter));
      const paidCents = paid && r.paidPart !== null ? Math.max(1, Math.floor((r.total.cents * r.paidPart) / 100)) : null;
      const cells: Record<Column, string> = {
        client_name: r.client,
        year: r.year ? '2024' : '',
        description: r.description,
        total: r.total.text,
        due_date: r.dueAfter === null ? '' : date(isoOf(r.issue + r.dueAfter)),
        paid_date: paid,
        paid_amount: paidCents === null ? '' : `${Math.floor(paidCents / 100)}.${pad(paidCents % 100)}`,
        disputed: r.disputed,
        document_type: r.documentType,
        issue_date: date(issue),
      };
      return cells;
    });
}

/** One corruption of one field of a valid row, with the field the importer must blame. */
function corrupt(fmt: FormatName, cells: Record<Column, string>): fc.Arbitrary<RowSpec> {
  const other: FormatName = fmt === 'YYYY-MM-DD' ? 'DD/MM/YYYY' : 'YYYY-MM-DD';
  const badDate = fc.constantFrom(
    FORMATS[fmt](2024, 13, 1),
    FORMATS[fmt](2024, 2, 30),
    FORMATS[fmt](2024, 0, 10),
    FORMATS[other](2024, 3, 15),
    'abc',
    '2024',
    '１５/０３/２０２４',
    '{"date":1}',
    '15-03-2024',
  );
  const badAmount = fc.constantFrom('abc', '12abc', '1,2,3', '12.345.6', '-5', '0', '0,00', '9'.repeat(25), '99999999999', '1e5', 'NaN', '€', '--1', '١٢٣');
  const set = (patch: Partial<Record<Column, string>>, bad: ImportField, truncate = false): RowSpec => ({ cells: { ...cells, ...patch }, bad, truncate });
  const options: fc.Arbitrary<RowSpec>[] = [
    badDate.map((v) => set({ issue_date: v }, 'issue_date')),
    fc.constant(set({ issue_date: '' }, 'issue_date')),
    fc.constant(set({}, 'issue_date', true)),
    badAmount.map((v) => set({ total: v }, 'total')),
    fc.constant(set({ total: '' }, 'total')),
    badDate.map((v) => set({ due_date: v }, 'due_date')),
    fc.constant(set({ due_date: FORMATS[fmt](2023, 12, 31) }, 'due_date')),
    badDate.map((v) => set({ paid_date: v }, 'paid_date')),
    fc.constant(set({ paid_date: FORMATS[fmt](2023, 12, 31), paid_amount: '' }, 'paid_date')),
    fc.constant(set({ paid_date: '', paid_amount: '10' }, 'paid_date')),
    badAmount.map((v) => set({ paid_date: cells.issue_date, paid_amount: v }, 'paid_amount')),
    fc.constant(set({ paid_date: cells.issue_date, paid_amount: '99999999' }, 'paid_amount')),
    fc.constantFrom('forse', 'maybe', '2', 'nope').map((v) => set({ disputed: v }, 'disputed')),
    fc.constantFrom('2023', '1899', '3000', 'duemila', '-2024').map((v) => set({ year: v }, 'year')),
    fc.constant(set({ client_name: '' }, 'client_name')),
    fc.constantFrom('XX01', 'td01', 'TD1', 'TD001').map((v) => set({ document_type: v }, 'document_type')),
  ];
  return fc.oneof(...options);
}

function rowSpec(fmt: FormatName): fc.Arbitrary<RowSpec> {
  return validRow(fmt).chain((cells) =>
    fc.oneof({ weight: 3, arbitrary: fc.constant<RowSpec>({ cells, bad: null, truncate: false }) }, { weight: 2, arbitrary: corrupt(fmt, cells) }),
  );
}

const quote = (v: string, delim: string) => (/["\n\r]/.test(v) || v.includes(delim) || v !== v.trim() ? `"${v.replace(/"/g, '""')}"` : v);

interface CsvCase {
  text: string;
  fmt: FormatName;
  delimiter: string;
  /** Expected rejects (line, field) and the number of rows that must be imported. */
  expected: { line: number; field: ImportField | 'row' }[];
  valid: number;
  rows: number;
}

const csvCase = fc
  .record({ fmt: fc.constantFrom<FormatName>('YYYY-MM-DD', 'DD/MM/YYYY'), delimiter: fc.constantFrom(',', ';', '\t'), bom: fc.boolean(), crlf: fc.boolean() })
  .chain((o) =>
    fc
      .record({
        rows: fc.array(rowSpec(o.fmt), { minLength: 1, maxLength: 12 }),
        blanks: fc.array(fc.boolean(), { minLength: 13, maxLength: 13 }),
      })
      .map(({ rows, blanks }): CsvCase => {
        const nl = o.crlf ? '\r\n' : '\n';
        const lines: string[] = [COLUMNS.join(o.delimiter)];
        let physical = 1;
        const expected: CsvCase['expected'] = [];
        rows.forEach((r, i) => {
          if (blanks[i]) {
            lines.push('');
            physical++;
          }
          const values = COLUMNS.map((c) => quote(r.cells[c], o.delimiter));
          const line = physical + 1;
          lines.push((r.truncate ? values.slice(0, -1) : values).join(o.delimiter));
          physical += 1 + COLUMNS.reduce((n, c) => n + (r.cells[c].match(/\r\n|\n|\r/g)?.length ?? 0), 0);
          if (r.bad) expected.push({ line, field: r.truncate ? 'row' : r.bad }); // a short row is reported as truncated
        });
        return {
          text: (o.bom ? '\uFEFF' : '') + lines.join(nl) + (blanks[12] ? nl + nl : ''),
          fmt: o.fmt,
          delimiter: o.delimiter,
          expected,
          valid: rows.filter((r) => !r.bad).length,
          rows: rows.length,
        };
      }),
  );

const dbs: Database[] = [];
afterEach(async () => {
  for (const d of dbs.splice(0)) await d.close();
});

function services() {
  const database = openDatabase(':memory:');
  dbs.push(database);
  const clients = new ClientService(database.sqlite);
  const invoices = new InvoiceService(database.sqlite, clients);
  return { database, s: { sqlite: database.sqlite, clients, invoices, payments: new PaymentService(database.sqlite, invoices) } };
}

const count = (d: Database, table: string) => (d.sqlite.prepare(`SELECT COUNT(*) AS n FROM ${table}`).get() as { n: number }).n;

function counts(d: Database) {
  return { invoices: count(d, 'invoices'), clients: count(d, 'clients'), payments: count(d, 'payments'), lines: count(d, 'invoice_lines') };
}

describe('CSV import fuzzing', () => {
  it('default mode imports exactly the valid rows and reports every bad row by line and field; strict writes nothing on any bad row', async () => {
    const runs = fuzzRuns(200);
    let cases = 0;
    const { database, s } = services();
    await fc.assert(
      fc.asyncProperty(csvCase, fc.boolean(), async (c, strict) => {
        cases++;
        // One database for the run, each case inside a transaction rolled back at the end: cheap and
        // independent (the importer's own transaction nests as a savepoint).
        database.sqlite.exec('SAVEPOINT fuzz_case');
        try {
          const before = counts(database);
          const r = await importInvoicesCsv(s, c.text, { map: {}, dateFormat: c.fmt, delimiter: c.delimiter, strict, source: 'fuzz.csv' });
          const after = counts(database);
          const got = r.rejects.map((x) => ({ line: x.line, field: x.field }));
          expect(got, `${JSON.stringify(c.text)}\n${JSON.stringify(r.rejects)}`).toEqual(expect.arrayContaining(c.expected)); // a row reports all its problems; the planted one is among them
          expect(new Set(got.map((x) => x.line)).size).toBe(c.expected.length);
          for (const x of r.rejects) expect(x.reason.length).toBeGreaterThan(0);
          expect(r.rows).toBe(c.rows);
          expect(r.rejected).toBe(c.expected.length);
          const writesNothing = c.valid === 0 || (strict && c.expected.length > 0);
          expect(r.nothingWritten).toBe(writesNothing);
          const imported = writesNothing ? 0 : c.valid;
          expect(r.imported).toBe(imported);
          expect(after.invoices - before.invoices).toBe(imported);
          // One line per imported invoice (the source total); payments rows also hold the schedule,
          // so only "nothing written" is checked for them.
          expect(after.lines - before.lines).toBe(imported);
          if (writesNothing) expect(after).toEqual(before);
        } finally {
          database.sqlite.exec('ROLLBACK TO fuzz_case; RELEASE fuzz_case');
        }
      }),
      { numRuns: runs },
    );
    recordFuzz('csv import rows', cases);
  }, 120_000);
});
