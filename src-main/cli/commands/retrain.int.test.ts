// `ai forecast` and `ai retrain …` as a user runs them, in separate processes on temp data dirs: the
// seed's command lines verbatim, --json output, the insufficient-data error, and bad flags that exit
// 2 naming the flag and writing nothing.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const T1 = '2026-03-31';
const T2 = '2026-06-30';
const dirs: string[] = [];
function cli(dataDir: string, today: string, ...args: string[]) {
  const r = spawnSync(process.execPath, ['bin/openfatture.js', '--data-dir', dataDir, ...args], { encoding: 'utf8', env: { ...process.env, OPENFATTURE_TODAY: today }, timeout: 180_000 });
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}
function tmp(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'of-retrain-cli-'));
  dirs.push(d);
  return d;
}
function count(dataDir: string, sql: string): number {
  const db = new BetterSqlite3(path.join(dataDir, 'openfatture.db'), { readonly: true });
  try {
    return (db.prepare(sql).get() as { n: number }).n;
  } finally {
    db.close();
  }
}

let demo: string;
beforeAll(() => {
  demo = tmp();
  const seeded = cli(demo, T2, 'demo', 'seed', '--invoices', '500', '--clients', '15', '--years', '2', '--today', T2, '--json');
  expect(seeded.code, seeded.stderr).toBe(0);
});
afterAll(() => dirs.forEach((d) => fs.rmSync(d, { recursive: true, force: true })));

describe('openfatture ai forecast / ai retrain', () => {
  it('trains the first model with `ai forecast --retrain`, serves and logs a forecast by week and day with P10–P90 per invoice', () => {
    const r = cli(demo, T1, 'ai', 'forecast', '--retrain', '--json');
    expect(r.code, r.stderr).toBe(0);
    const f = JSON.parse(r.stdout);
    expect(f.retrain).toMatchObject({ outcome: 'deployed', activeVersion: '1.0.0' });
    expect(f.version).toBe('1.0.0');
    expect(f.today).toBe(T1);
    expect(f.horizonDays).toBe(30);
    expect(f.invoices.length).toBeGreaterThan(5);
    for (const i of f.invoices) {
      expect(i.p10Date <= i.predictedDate && i.predictedDate <= i.p90Date).toBe(true);
      expect(i.outstandingCents).toBeGreaterThan(0);
    }
    const inHorizon = f.invoices.filter((i: { inHorizon: boolean }) => i.inHorizon).reduce((s: number, i: { outstandingCents: number }) => s + i.outstandingCents, 0);
    expect(f.totalCents).toBe(inHorizon);
    expect(f.days.reduce((s: number, d: { expectedCents: number }) => s + d.expectedCents, 0)).toBe(f.totalCents);
    expect(f.weeks.at(-1).cumulativeCents).toBe(f.totalCents);
    expect(count(demo, "SELECT COUNT(*) AS n FROM prediction_log WHERE model_version = '1.0.0'")).toBe(f.invoices.length);

    const text = cli(demo, T1, 'ai', 'forecast', '--days', '30');
    expect(text.code, text.stderr).toBe(0);
    for (const s of ['By week', 'By day', 'Total expected in 30 days', 'Open invoices', 'P10–P90', 'Due (baseline)']) expect(text.stdout).toContain(s);
    const client = f.invoices[0].clientId;
    const one = cli(demo, T1, 'ai', 'forecast', '--days', '14', '--client', String(client), '--json');
    expect(one.code, one.stderr).toBe(0);
    const fc = JSON.parse(one.stdout);
    expect(fc.invoices.length).toBeGreaterThan(0);
    expect(fc.invoices.every((i: { clientId: number }) => i.clientId === client)).toBe(true);
  });

  it('status, list-versions, dry-run retrain and rollback as the seed writes them', () => {
    const status = cli(demo, T2, 'ai', 'retrain', 'status', '--json');
    expect(status.code, status.stderr).toBe(0);
    const s = JSON.parse(status.stdout);
    expect(s).toMatchObject({ model: 'cash_flow', activeVersion: '1.0.0', activeHealth: 'ok', trainingTrigger: ['manual'] });
    expect(s.triggers.map((t: { name: string; threshold: number }) => [t.name, t.threshold])).toEqual([
      ['min_feedback_count', 25],
      ['max_days_since_training', 7],
      ['performance_degradation', 0.1],
    ]);
    const statusText = cli(demo, T2, 'ai', 'retrain', 'status');
    for (const label of ['Last training', 'Active version', 'Next check', 'min_feedback_count', 'Threshold']) expect(statusText.stdout).toContain(label);

    const dry = cli(demo, T2, 'ai', 'retrain', '--model', 'cash_flow', '--dry-run', '--json');
    expect(dry.code, dry.stderr).toBe(0);
    expect(JSON.parse(dry.stdout)).toMatchObject({ outcome: 'dry-run', activeVersion: '1.0.0', candidateVersion: '1.1.0' });

    const real = cli(demo, T2, 'ai', 'retrain', '--model', 'cash_flow');
    expect(real.code, real.stderr).toBe(0);
    expect(real.stdout).toMatch(/Outcome: (deployed|kept-current) \(candidate 1\.2\.0\)/);

    const lv = cli(demo, T2, 'ai', 'retrain', 'list-versions', '--model', 'cash_flow', '--json');
    expect(lv.code, lv.stderr).toBe(0);
    const items = JSON.parse(lv.stdout).items as { version: string; status: string; dryRun: boolean }[];
    expect(items.map((v) => v.version)).toEqual(['1.2.0', '1.1.0', '1.0.0']);
    expect(items[1]).toMatchObject({ status: 'candidate', dryRun: true });
    expect(items.filter((v) => v.status === 'active')).toHaveLength(1);

    const target = items.find((v) => v.status !== 'active' && !v.dryRun)!.version;
    const rb = cli(demo, T2, 'ai', 'retrain', 'rollback', '--model', 'cash_flow', '--version', target);
    expect(rb.code, rb.stderr).toBe(0);
    expect(rb.stdout).toContain(`active version is now ${target}`);
    const st = cli(demo, T2, 'ai', 'status', '--json');
    expect(st.code, st.stderr).toBe(0);
    const section = JSON.parse(st.stdout).sections.find((x: { id: string }) => x.id === 'ml-retraining');
    const row = (label: string) => section.rows.find((r: { label: string }) => r.label === label)?.value;
    expect(row('cash_flow: model version')).toBe(target);
    expect(row('cash_flow: feedback count since training')).toBe(0);
    expect(String(row('cash_flow: last training date'))).toMatch(/^\d{4}-\d{2}-\d{2}T/);
  });

  it('`ai evaluate` scores a stored version on the invoices it never saw, for every client or one, next to the due date', () => {
    const all = cli(demo, T2, 'ai', 'evaluate', '--version', '1.0.0', '--json');
    expect(all.code, all.stderr).toBe(0);
    const e = JSON.parse(all.stdout);
    // By default from the version's training cutoff: every invoice scored is one it never learnt.
    expect(e).toMatchObject({ model: 'cash_flow', version: '1.0.0', clientId: null, seenInTraining: 0 });
    // 1.0.0 was trained on T1 with every payment known that day: its cutoff is the next day.
    expect(e.from).toBe('2026-04-01');
    expect(e.rows).toBe(count(demo, "SELECT COUNT(*) AS n FROM invoices WHERE status = 'paid' AND document_type <> 'TD04' AND issue_date >= '2026-04-01'"));
    expect(e.metrics.n).toBe(e.rows);
    expect(e.baseline.n).toBe(e.rows);
    expect(e.metrics.coverage).toBeGreaterThan(0);
    expect(e.baseline.mae).toBeGreaterThan(0);

    const client = count(demo, `SELECT client_id AS n FROM invoices WHERE status = 'paid' AND issue_date >= '2025-06-01' GROUP BY client_id ORDER BY COUNT(*) DESC, client_id LIMIT 1`);
    const one = cli(demo, T2, 'ai', 'evaluate', '--version', '1.0.0', '--client', String(client), '--from', '2025-06-01', '--json');
    expect(one.code, one.stderr).toBe(0);
    const c = JSON.parse(one.stdout);
    expect(c).toMatchObject({ clientId: client, from: '2025-06-01' });
    expect(c.rows).toBe(count(demo, `SELECT COUNT(*) AS n FROM invoices WHERE status = 'paid' AND document_type <> 'TD04' AND issue_date >= '2025-06-01' AND client_id = ${client}`));
    // Invoices paid before 1.0.0's cutoff were in its training data, and the output says so.
    expect(c.seenInTraining).toBeGreaterThan(0);
    const text = cli(demo, T2, 'ai', 'evaluate', '--version', '1.0.0', '--client', String(client), '--from', '2025-06-01');
    expect(text.code, text.stderr).toBe(0);
    for (const s of ['cash_flow 1.0.0', 'P10–P90 coverage', 'Late AUC', 'were in its training data']) expect(text.stdout).toContain(s);

    for (const [args, message] of [
      [['--version', '9.9.0'], /--version: cash_flow has no version 9\.9\.0 \(versions: /],
      [['--version', '1.0.0', '--from', '2026-02-30'], /--from/],
      [['--version', '1.0.0', '--client', 'Nessuno Inesistente'], /--client: no client matches "Nessuno Inesistente"/],
    ] as [string[], RegExp][]) {
      const r = cli(demo, T2, 'ai', 'evaluate', ...args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
    }
  });

  it("fails with the seed's insufficient-data error below 25 paid invoices (exit 1, no version)", () => {
    const small = tmp();
    expect(cli(small, T2, 'demo', 'seed', '--invoices', '30', '--clients', '3', '--years', '1', '--today', T2).code).toBe(0);
    const paid = count(small, "SELECT COUNT(*) AS n FROM invoices WHERE status = 'paid'");
    const r = cli(small, T2, 'ai', 'forecast', '--days', '30');
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Model retraining failed: insufficient data \(needs ≥25 paid invoices, found (\d+)\)/);
    expect(Number(/found (\d+)/.exec(r.stderr)![1])).toBeLessThanOrEqual(paid);
    expect(count(small, 'SELECT COUNT(*) AS n FROM model_versions')).toBe(0);
    expect(count(small, 'SELECT COUNT(*) AS n FROM prediction_log')).toBe(0);
  });

  it('rejects bad flags with exit 2, naming the flag, writing nothing', () => {
    const before = count(demo, 'SELECT COUNT(*) AS n FROM retraining_runs') + count(demo, 'SELECT COUNT(*) AS n FROM prediction_log');
    const cases: [string[], RegExp][] = [
      [['ai', 'forecast', '--days', 'abc'], /--days: expected an integer, got "abc"/],
      [['ai', 'forecast', '--days', '0'], /--days: must be between 1 and 365, got 0/],
      [['ai', 'forecast', '--client', 'Nessuno Inesistente'], /--client: no client matches "Nessuno Inesistente"/],
      [['ai', 'retrain', '--model', 'weather'], /--model: unknown model "weather" \(registered: cash_flow, payment_matcher\)/],
      [['ai', 'retrain', 'list-versions', '--model', 'nope'], /--model: unknown model "nope"/],
      [['ai', 'retrain', 'rollback', '--model', 'cash_flow', '--version', '1.x'], /--version: expected a version like 1\.2\.0, got "1\.x"/],
      [['ai', 'retrain', 'rollback', '--model', 'cash_flow', '--version', '9.9.0'], /--version: cash_flow has no version 9\.9\.0 \(versions: /],
    ];
    for (const [args, message] of cases) {
      const r = cli(demo, T2, ...args);
      expect(r.code, `${args.join(' ')}: ${r.stderr}`).toBe(2);
      expect(r.stderr).toMatch(message);
    }
    expect(count(demo, 'SELECT COUNT(*) AS n FROM retraining_runs') + count(demo, 'SELECT COUNT(*) AS n FROM prediction_log')).toBe(before);
  });
});
