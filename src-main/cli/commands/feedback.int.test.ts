// The CLI as a user runs it: the seed's command lines verbatim, stats, export → import, cleanup,
// and bad input exiting 2 with nothing written.
import { execFile } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../../..');
const bin = path.join(repo, 'bin/openfatture.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(dataDir: string, args: string[], env: Record<string, string> = {}, cwd = dataDir): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [bin, '--data-dir', dataDir, ...args],
      { cwd, env: { ...process.env, OPENFATTURE_LOG_LEVEL: 'warn', ...env }, timeout: 240_000 },
      // A killed process (timeout on an overloaded machine) shows as -1, never as a plausible exit code.
      (err, stdout, stderr) => resolve({ code: err ? ((err as { killed?: boolean }).killed ? -1 : ((err as { code?: number }).code ?? 1)) : 0, stdout, stderr }),
    );
    child.stdin?.end();
  });
}

const tmp = () => fs.mkdtempSync(path.join(os.tmpdir(), 'of-fbcli-'));
const rows = (dir: string) => {
  const db = new BetterSqlite3(path.join(dir, 'openfatture.db'), { readonly: true });
  try {
    const n = (t: string) => (db.prepare(`SELECT count(*) AS n FROM ${t}`).get() as { n: number }).n;
    return { chat: n('user_feedback'), predictions: n('model_prediction_feedback') };
  } finally {
    db.close();
  }
};

const SEED_SUBMIT = ['ai', 'feedback', 'submit', '--agent-type', 'chat', '--input', "What's my revenue this month?", '--response', 'Your revenue is €10,000', '--correction', 'Revenue is €12,500 including pending', '--rating', '3'];
const SEED_PREDICTION = ['ai', 'feedback', 'submit-prediction', '--model', 'cash_flow', '--prediction', '{"amount": 5000, "confidence": 0.8}', '--actual', '{"amount": 5500}', '--accurate', 'false'];

describe('openfatture ai feedback', () => {
  it('runs the seed lines verbatim; they show in stats and in an export that re-imports losslessly', { timeout: 600_000 }, async () => {
    const dir = tmp();
    const a = await cli(dir, SEED_SUBMIT);
    expect(a.stderr).toBe('');
    expect(a).toMatchObject({ code: 0 });
    expect(a.stdout).toMatch(/^Feedback stored \(#1\)/);
    const b = await cli(dir, SEED_PREDICTION);
    expect(b).toMatchObject({ code: 0 });
    expect(b.stdout).toMatch(/Prediction feedback stored \(#1\): cash_flow, not accurate/);

    const [table, json, exp] = await Promise.all([
      cli(dir, ['ai', 'feedback', 'stats']),
      cli(dir, ['ai', 'feedback', 'stats', '--json', '--days', '30']),
      cli(dir, ['ai', 'feedback', 'export', '--output', 'feedback.json']),
    ]);
    expect(table.code).toBe(0);
    expect(table.stdout).toContain("What's my revenue this month?");
    expect(table.stdout).toContain('Revenue is €12,500 including pending');
    expect(table.stdout).toMatch(/cash_flow\s+–\s+user\s+1\s+0\/1\s+0\.0%/);
    const stats = JSON.parse(json.stdout);
    expect(stats).toMatchObject({ collectionEnabled: true, chat: { total: 1, avgRating: 3, corrections: 1, correctionRate: 1 }, predictions: { total: 1 } });
    expect(exp.code).toBe(0);
    const exported = JSON.parse(fs.readFileSync(path.join(dir, 'feedback.json'), 'utf8'));
    expect(exported).toMatchObject([
      { kind: 'chat', user_input: "What's my revenue this month?", user_correction: 'Revenue is €12,500 including pending', rating: 3 },
      { kind: 'prediction', model_name: 'cash_flow', prediction: { amount: 5000, confidence: 0.8 }, actual_outcome: { amount: 5500 }, was_accurate: false },
    ]);

    const other = tmp();
    const imp = await cli(other, ['ai', 'feedback', 'import', path.join(dir, 'feedback.json')]);
    expect(imp.code).toBe(0);
    const back = await cli(other, ['ai', 'feedback', 'export', '--output', 'again.jsonl']);
    expect(back.code).toBe(0);
    const again = fs.readFileSync(path.join(other, 'again.jsonl'), 'utf8').trim().split('\n').map((l) => JSON.parse(l));
    expect(again).toEqual(exported);
  });

  it('rejects each bad input with exit 2 and a message naming the flag, writing nothing', { timeout: 900_000 }, async () => {
    const dir = tmp();
    await cli(dir, ['init-db']);
    const cases: [string[], RegExp][] = [
      [[...SEED_SUBMIT.slice(0, -1), '6'], /--rating: must be between 1 and 5, got 6/],
      [['ai', 'feedback', 'submit', '--input', '', '--response', 'r', '--rating', '3'], /--input: must not be empty/],
      [['ai', 'feedback', 'submit', '--input', 'q', '--response', 'r', '--rating', '3', '--context', '{oops'], /--context: invalid JSON/],
      [['ai', 'feedback', 'submit', '--input', 'q', '--response', 'r'], /feedback: give at least one of rating, thumb, correction or comment/],
      [['ai', 'feedback', 'submit-prediction', '--model', 'nostradamus', '--prediction', '{"a":1}', '--accurate', 'true'], /--model: unknown model "nostradamus"/],
      [['ai', 'feedback', 'submit-prediction', '--model', 'cash_flow', '--prediction', '{"amount": 5000', '--accurate', 'true'], /--prediction: invalid JSON/],
      [['ai', 'feedback', 'submit-prediction', '--model', 'cash_flow', '--prediction', '{"a":1}', '--accurate', 'perhaps'], /--accurate: expected true or false/],
      [['ai', 'feedback', 'stats', '--days', '0'], /--days: must be between 1/],
      [['ai', 'feedback', 'export', '--output', 'feedback.txt'], /--output: cannot tell the format/],
      [['ai', 'feedback', 'export', '--output', 'f.json', '--format', 'xml'], /--format: expected one of json, jsonl, csv, openai-chat/],
      [['ai', 'feedback', 'export', '--output', 'f.csv', '--format', 'jsonl'], /--output: "f.csv" does not fit format jsonl: the name must end in .jsonl or .ndjson/],
      [['ai', 'feedback', 'cleanup'], /--older-than: required/],
    ];
    // Two at a time: each run is a full process start, and the machine has two cores.
    for (let i = 0; i < cases.length; i += 2) {
      const runs = await Promise.all(cases.slice(i, i + 2).map(([args]) => cli(dir, args)));
      runs.forEach((r, j) => {
        const [args, message] = cases[i + j]!;
        expect({ args, code: r.code }).toEqual({ args, code: 2 });
        expect(r.stderr).toMatch(message);
      });
    }
    expect(rows(dir)).toEqual({ chat: 0, predictions: 0 });
    expect(fs.readdirSync(dir).filter((f) => /^f(eedback)?\./.test(f))).toEqual([]);
  });

  it('cleanup asks (or needs --yes when not on a terminal) and prints what it deleted', { timeout: 600_000 }, async () => {
    const dir = tmp();
    await cli(dir, SEED_SUBMIT);
    const db = new BetterSqlite3(path.join(dir, 'openfatture.db'));
    db.prepare("UPDATE user_feedback SET created_at = '2020-01-01T00:00:00.000Z'").run();
    db.close();
    const refused = await cli(dir, ['ai', 'feedback', 'cleanup', '--older-than', '180']);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toMatch(/--yes: stdin is not a terminal, so nothing was deleted/);
    expect(rows(dir).chat).toBe(1);
    const done = await cli(dir, ['ai', 'feedback', 'cleanup', '--older-than', '180', '--yes']);
    expect(done.code).toBe(0);
    expect(done.stdout).toMatch(/^Deleted 1 chat feedback and 0 prediction feedback rows created before \d{4}-\d{2}-\d{2}/);
    expect(rows(dir).chat).toBe(0);
  });

  it('with collection disabled, an explicit submission is stored and says so', { timeout: 300_000 }, async () => {
    const dir = tmp();
    const r = await cli(dir, SEED_SUBMIT, { OPENFATTURE_AI_FEEDBACK_ENABLED: 'false' });
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/Feedback stored \(#1\)\.\nNote: feedback collection is disabled \(OPENFATTURE_AI_FEEDBACK_ENABLED=false\); this explicit submission was stored anyway\./);
    expect(rows(dir).chat).toBe(1);
  });
});
