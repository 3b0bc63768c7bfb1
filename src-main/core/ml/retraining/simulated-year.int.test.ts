// A year of use, simulated as a new user would live it: the app clock (OPENFATTURE_TODAY) moves a
// week at a time; each week the invoices issued that week are entered, the payments that came in
// are recorded (resolving the forecasts served for them), a 30-day forecast is served, and the
// retraining scheduler runs its check — with the default settings. From July one large client pays
// 40 days later. The loop must notice and recover by itself: the version live at the end of the year
// predicts that client's next invoices (which neither it nor the first model saw) at most half as
// wrong as the first model, and the other clients' no worse than 10%; no retrain runs without new
// outcomes; and at the end the first version can still be rolled back to. How the live versions did
// during the last quarter is printed too: a payment takes about 100 days to arrive from that client
// once it has drifted, so the evidence of the change reaches the models late in the year.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { App } from '../../app';
import { loadSettings } from '../../config/load';
import { addDays } from '../../dates';
import { buildTrainingSet } from '../cash-flow';
import { insertPlannedInvoices, planReceivables, type ReceivablesPlan, type WrittenIds } from '../cash-flow/receivables-simulator';
import { forecastCashFlow } from '../forecast';
import { evaluationFrom, type ModelMetrics } from '../model-spec';
import { capturingLogger } from './tiny-model-spec.fixture';

const YEAR_START = '2025-01-01';
const YEAR_END = '2025-12-31';
const DRIFT_FROM = '2025-07-01';
const LAST_QUARTER = '2025-10-01';
/** The year-end version is judged on the invoices of the next quarter… */
const NEXT_QUARTER_END = '2026-03-31';
/** …once their payments have come in. */
const SCORE_THROUGH = '2026-06-30';

const log = capturingLogger();
const savedToday = process.env.OPENFATTURE_TODAY;
const at = (today: string) => {
  process.env.OPENFATTURE_TODAY = today;
};

let app: App;
let plan: ReceivablesPlan;
const ids: WrittenIds = { clients: new Map(), invoices: new Map() };
let checks = 0;
/** The version live after each week's check, and the week's last day. */
const weeklyActive: { through: string; version: string }[] = [];

/** Enters the invoices issued in (from, to] and records the payments made in (from, to], in date order. */
function advance(from: string, to: string): number {
  insertPlannedInvoices(app.database.sqlite, plan, ids, { after: from, through: to, paidThrough: null });
  const due = plan.invoices
    .filter((inv) => ids.invoices.has(inv.key))
    .flatMap((inv) => inv.payments.filter((p) => p.date > from && p.date <= to).map((p) => ({ inv, p })))
    .sort((a, b) => (a.p.date < b.p.date ? -1 : a.p.date > b.p.date ? 1 : a.inv.key - b.inv.key));
  for (const { inv, p } of due) app.payments.record({ invoiceId: ids.invoices.get(inv.key)!, date: p.date, amountCents: p.cents, method: inv.method });
  return due.length;
}

beforeAll(async () => {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-year-'));
  at(YEAR_START);
  app = await App.open({ settings: loadSettings({ env: {}, flags: { DATA_DIR: dir }, cwd: dir }), host: 'test', logger: log.logger });
  plan = planReceivables({ seed: 31, start: '2024-01-02', months: 30, initialClients: 22, newClientsPerMonth: 1, invoicesPerMonth: 55, drift: { extraDays: 40, from: DRIFT_FROM } });
  // A year of history, entered as it happened up to the first day.
  insertPlannedInvoices(app.database.sqlite, plan, ids, { through: addDays(YEAR_START, -1), paidThrough: addDays(YEAR_START, -1) });
  let prev = addDays(YEAR_START, -1);
  for (let t = YEAR_START; t <= YEAR_END; prev = t, t = addDays(t, 7)) {
    at(t);
    advance(prev, t);
    if (app.models.versions.active('cash_flow')) await forecastCashFlow({ database: app.database, worker: app.worker, versions: app.models.versions }, { days: 30, today: t });
    await app.models.scheduler.checkNow();
    checks++;
    weeklyActive.push({ through: addDays(t, 7), version: app.models.versions.active('cash_flow')?.version ?? '' });
  }
  // Time passes without retraining: the last invoices' payments come in.
  at(SCORE_THROUGH);
  advance(prev, SCORE_THROUGH);
}, 900_000);

afterAll(async () => {
  await app?.close();
  if (savedToday === undefined) delete process.env.OPENFATTURE_TODAY;
  else process.env.OPENFATTURE_TODAY = savedToday;
});

/** Scores each invoice with the version live when it was issued; returns the pooled metrics. */
async function scoreLive(rows: { invoiceId: number; issueDate: string }[]): Promise<ModelMetrics> {
  const byVersion = new Map<string, number[]>();
  for (const r of rows) {
    // Issued after the check of week w, before the next one: forecast by the version live after w.
    const week = [...weeklyActive].reverse().find((w) => addDays(w.through, -7) < r.issueDate) ?? weeklyActive[0]!;
    byVersion.set(week.version, [...(byVersion.get(week.version) ?? []), r.invoiceId]);
  }
  const spec = app.models.spec('cash_flow');
  const evaluated = [];
  for (const [version, ids] of byVersion) evaluated.push(...(await spec.evaluate(app.models.retrainer.context(), app.models.versions.load(app.models.versions.get('cash_flow', version)!), { from: LAST_QUARTER, entityIds: ids })).rows);
  return evaluationFrom(evaluated, app.settings.ML_TOLERANCE_DAYS).metrics;
}

async function score(version: string, entityIds: number[]): Promise<ModelMetrics> {
  const v = app.models.versions.get('cash_flow', version)!;
  return (await app.models.spec('cash_flow').evaluate(app.models.retrainer.context(), app.models.versions.load(v), { from: v.trainingCutoff!, entityIds })).metrics;
}

describe('a simulated year with a client who starts paying 40 days later', () => {
  it('served forecasts every week and trained the first model on the first day, on the app clock', () => {
    expect(checks).toBe(53);
    expect(weeklyActive[0]!.version).toBe('1.0.0');
    const first = app.models.versions.get('cash_flow', '1.0.0')!;
    expect(first.createdAt.slice(0, 10)).toBe(YEAR_START);
    const resolved = app.database.sqlite.prepare("SELECT COUNT(*) AS n FROM model_prediction_feedback WHERE source = 'auto-outcome'").get() as { n: number };
    expect(resolved.n).toBeGreaterThan(400);
  });

  it('recovers by itself: the year-end version is at most half as wrong as 1.0.0 on the drifting client, and no worse on the others', async () => {
    const driftClient = ids.clients.get(plan.driftClientKey!)!;
    const all = buildTrainingSet(app.database.sqlite);
    // During the last quarter, each invoice scored by the version live when it was issued.
    const quarter = all.filter((r) => r.issueDate >= LAST_QUARTER && r.issueDate <= YEAR_END && r.clientId === driftClient);
    const [oldQuarter, liveQuarter] = [await score('1.0.0', quarter.map((r) => r.invoiceId)), await scoreLive(quarter)];
    // The version live at the end of the year, on the next quarter's invoices.
    const yearEnd = weeklyActive.at(-1)!.version;
    expect(yearEnd).not.toBe('1.0.0');
    const cutoff = app.models.versions.get('cash_flow', yearEnd)!.trainingCutoff!;
    const next = all.filter((r) => r.issueDate >= cutoff && r.issueDate <= NEXT_QUARTER_END);
    const drifting = next.filter((r) => r.clientId === driftClient).map((r) => r.invoiceId);
    const others = next.filter((r) => r.clientId !== driftClient).map((r) => r.invoiceId);
    expect(drifting.length).toBeGreaterThanOrEqual(10);
    const [oldDrift, newDrift, oldOthers, newOthers] = [await score('1.0.0', drifting), await score(yearEnd, drifting), await score('1.0.0', others), await score(yearEnd, others)];
    console.log(
      `simulated year: drifting client, last quarter: 1.0.0 ${oldQuarter.mae.toFixed(1)} vs the live versions ${liveQuarter.mae.toFixed(1)} days on ${quarter.length} invoices; ` +
        `next quarter: 1.0.0 ${oldDrift.mae.toFixed(1)} → ${yearEnd} ${newDrift.mae.toFixed(1)} days on ${drifting.length}; other clients ${oldOthers.mae.toFixed(1)} → ${newOthers.mae.toFixed(1)} on ${others.length}`,
    );
    expect(liveQuarter.mae).toBeLessThan(oldQuarter.mae);
    expect(newDrift.mae).toBeLessThanOrEqual(0.5 * oldDrift.mae);
    expect(newOthers.mae).toBeLessThanOrEqual(1.1 * oldOthers.mae);
  });

  it('never retrained without new outcomes, and did not retrain at every check', () => {
    const retrains = app.database.sqlite.prepare("SELECT id, reasons, outcome, new_outcomes FROM retraining_runs WHERE kind = 'retrain' ORDER BY id").all() as { id: number; reasons: string; outcome: string; new_outcomes: number | null }[];
    console.log(`simulated year: ${retrains.length} retrains in ${checks} checks: ${retrains.map((r) => r.outcome).join(', ')}`);
    expect(retrains[0]!.reasons).toBe('["no_active_model"]');
    for (const r of retrains.slice(1)) {
      expect(r.outcome).not.toBe('failed');
      expect(r.new_outcomes, `run ${r.id}`).toBeGreaterThan(0);
      if (r.reasons === '["min_feedback_count"]') expect(r.new_outcomes).toBeGreaterThanOrEqual(25);
    }
    expect(retrains.length).toBeLessThan(checks);
  });

  it('can still roll back to the first version at the end, and it then serves forecasts', async () => {
    const versions = app.models.versions.list('cash_flow');
    expect(versions.length).toBeLessThanOrEqual(app.settings.ML_RETRAINING_MAX_VERSIONS);
    const r = app.models.rollback('cash_flow', '1.0.0');
    expect(r.to.version).toBe('1.0.0');
    expect(app.models.versions.pinned('cash_flow')!.version).toBe('1.0.0');
    const f = await forecastCashFlow({ database: app.database, worker: app.worker, versions: app.models.versions }, { days: 30, today: SCORE_THROUGH });
    expect(f.version).toBe('1.0.0');
  });
});
