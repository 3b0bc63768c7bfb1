// The generic lifecycle on real SQLite with a tiny in-process model: triggers with their figures,
// champion/challenger outcomes, dry run, the cross-process lock, failures and the scheduler.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Settings } from '../../config/settings';
import { ModelLifecycle } from './model-lifecycle';
import { LAST_CHECK_KEY } from './retraining-scheduler';
import { lifecycleFixture, tinyModelSpec, type LifecycleFixture, type TinyModelKnobs } from './tiny-model-spec.fixture';
import { holdsThroughout } from '../../../../tests/support/wait';

let fx: LifecycleFixture;
const savedToday = process.env.OPENFATTURE_TODAY;
afterEach(async () => {
  if (savedToday === undefined) delete process.env.OPENFATTURE_TODAY;
  else process.env.OPENFATTURE_TODAY = savedToday;
  await fx?.close();
});

/** "Today" for the lifecycle: outcomes after it are not known yet. The synthetic history runs 2023–2024. */
const T1 = '2024-06-30';
const T2 = '2024-12-31';
const at = (today: string) => {
  process.env.OPENFATTURE_TODAY = today;
};

function setup(overrides: Partial<Settings> = {}, invoices = 200) {
  fx = lifecycleFixture(invoices, overrides);
  const knobs: TinyModelKnobs = { bias: 0, trainCalls: 0 };
  let settings = fx.settings;
  const lc = new ModelLifecycle({ database: fx.database, worker: fx.worker, logger: fx.log.logger, modelsDir: path.join(fx.dir, '.models'), settings: () => settings, specs: [tinyModelSpec('tiny', knobs)] });
  const setSettings = (s: Partial<Settings>) => {
    settings = { ...settings, ...s };
    lc.updateSettings(settings);
  };
  return { lc, knobs, setSettings, sqlite: fx.database.sqlite };
}

const runs = (sqlite: LifecycleFixture['database']['sqlite'], kind: string) =>
  sqlite.prepare('SELECT * FROM retraining_runs WHERE kind = ? ORDER BY id').all(kind) as { outcome: string | null; fired: number; reasons: string; trigger_values: string; notes: string | null; error: string | null; improvement: number | null }[];

function addFeedback(sqlite: LifecycleFixture['database']['sqlite'], n: number, version: string | null, accurate: (i: number) => boolean) {
  const ins = sqlite.prepare("INSERT INTO model_prediction_feedback (model_name, model_version, prediction, was_accurate, source, created_at) VALUES ('tiny', ?, '{}', ?, 'auto-outcome', ?)");
  for (let i = 0; i < n; i++) ins.run(version, accurate(i) ? 1 : 0, new Date(Date.now() + i).toISOString());
}

describe('model lifecycle (generic, tiny model)', () => {
  it('deploys a first model as 1.0.0 when it beats the baseline; keeps the current model when a retrain has nothing new or does not improve enough, saying why', async () => {
    const { lc, setSettings, sqlite } = setup();
    at(T1);
    const first = await lc.retrain('tiny', { reasons: ['no_active_model'] });
    expect(first.outcome).toBe('deployed');
    expect(first.candidateVersion).toBe('1.0.0');
    expect(first.candidate!.mae).toBeLessThan(first.baseline!.mae);
    expect(fx.log.lines).toContain(`INFO  | Model retrained successfully, version: 1.0.0, improvement: ${(first.improvement! * 100).toFixed(1)}%`);
    // The winner was refit on everything known today.
    const v1 = lc.versions.active('tiny')!;
    expect(v1.trainingCutoff).toBe('2024-07-01');
    expect(v1.metrics.refit).toBe(true);
    expect(v1.trainingRows).toBeGreaterThan(v1.metrics.evaluatedCandidateRows as number);
    // Nothing new since: nothing to compare on.
    const same = await lc.retrain('tiny', { reasons: ['manual'] });
    expect(same.outcome).toBe('kept-current');
    expect(same.reason).toMatch(/^only 0 outcome\(s\) known since the active model's cutoff 2024-07-01/);
    // Six months later, with a demanding threshold: trained and compared, then kept with the figures.
    at(T2);
    setSettings({ ML_RETRAINING_MIN_IMPROVEMENT_PERCENTAGE: 0.5 });
    const later = await lc.retrain('tiny', { reasons: ['max_days_since_training'] });
    expect(later.outcome).toBe('kept-current');
    expect(later.activeVersion).toBe('1.0.0');
    expect(later.holdout!.from >= '2024-07-01').toBe(true);
    expect(later.reason).toMatch(/improvement -?\d+\.\d% < 50\.0% required/);
    expect(lc.versions.get('tiny', '1.1.0')!.status).toBe('rejected');
    const retrains = runs(sqlite, 'retrain');
    expect(retrains.map((r) => r.outcome)).toEqual(['deployed', 'kept-current', 'kept-current']);
    expect(retrains[2]!.notes).toContain('< 50.0% required');
  });

  it('deploys a candidate that beats the active model on the same unseen rows by ≥ MIN_IMPROVEMENT_PERCENTAGE', async () => {
    const { lc, knobs } = setup();
    at(T1);
    knobs.bias = 12; // a deliberately poor first model
    await lc.retrain('tiny', {});
    knobs.bias = 0;
    at(T2);
    const r = await lc.retrain('tiny', { reasons: ['performance_degradation'] });
    expect(r.outcome).toBe('deployed');
    expect(r.activeVersion).toBe('1.1.0');
    expect(r.candidate!.n).toBe(r.active!.n);
    expect(r.improvement).toBeCloseTo((r.active!.mae - r.candidate!.mae) / r.active!.mae, 10);
    expect(r.improvement!).toBeGreaterThan(0.02);
    expect(lc.versions.get('tiny', '1.0.0')!.status).toBe('retired');
    expect(lc.versions.active('tiny')!.triggerReasons).toEqual(['performance_degradation']);
    expect(lc.versions.active('tiny')!.trainingCutoff).toBe('2025-01-01');
  });

  it('DRY_RUN trains and records but never deploys', async () => {
    const { lc, knobs, setSettings, sqlite } = setup();
    at(T1);
    knobs.bias = 12;
    await lc.retrain('tiny', {});
    knobs.bias = 0;
    at(T2);
    setSettings({ ML_RETRAINING_DRY_RUN: true });
    const calls = knobs.trainCalls;
    const r = await lc.retrain('tiny', {});
    expect(r.outcome).toBe('dry-run');
    expect(r.reason).toMatch(/^dry run \(would deploy\)/);
    expect(knobs.trainCalls).toBe(calls + 1); // no refit: nothing goes live
    expect(lc.versions.active('tiny')!.version).toBe('1.0.0');
    const v = lc.versions.get('tiny', '1.1.0')!;
    expect([v.status, v.dryRun]).toEqual(['candidate', true]);
    expect(runs(sqlite, 'retrain').at(-1)!.outcome).toBe('dry-run');
  });

  it('fails with the seed message on insufficient data and records the failed run', async () => {
    const { lc, sqlite } = setup({}, 20);
    await expect(lc.retrain('tiny', {})).rejects.toThrow(/insufficient data \(needs ≥25 paid invoices, found \d+\)/);
    expect(runs(sqlite, 'retrain').map((r) => r.outcome)).toEqual(['failed']);
    expect(fx.log.lines.some((l) => l.startsWith('ERROR | Retraining failed: insufficient data'))).toBe(true);
    expect(lc.versions.list('tiny')).toEqual([]);
  });

  it('a failing trainer leaves the active version and records the error', async () => {
    const { lc, knobs, sqlite } = setup();
    at(T1);
    await lc.retrain('tiny', {});
    at(T2);
    knobs.fail = 'out of memory while building trees';
    await expect(lc.retrain('tiny', {})).rejects.toThrow('out of memory');
    expect(lc.versions.active('tiny')!.version).toBe('1.0.0');
    expect(runs(sqlite, 'retrain').at(-1)).toMatchObject({ outcome: 'failed', error: 'out of memory while building trees' });
    expect(fx.log.lines).toContain('ERROR | Retraining failed: out of memory while building trees');
  });

  it('allows one retrain per model across processes; a dead holder’s lock and its interrupted run are taken over', async () => {
    const { lc, knobs, sqlite } = setup();
    const exp = new Date(Date.now() + 600_000).toISOString();
    // A live other process (our parent) holds the lock.
    sqlite.prepare("INSERT INTO retrain_locks (model_name, owner, pid, expires_at) VALUES ('tiny', 'other', ?, ?)").run(process.ppid, exp);
    await expect(lc.retrain('tiny', {})).rejects.toThrow(/a retrain of tiny is already running \(pid \d+/);
    expect(knobs.trainCalls).toBe(0);
    // A process that died mid-retrain: its pid is gone, its run still says 'running'.
    const dead = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))']).stdout.toString();
    sqlite.prepare("UPDATE retrain_locks SET pid = ? WHERE model_name = 'tiny'").run(Number(dead));
    sqlite.prepare("INSERT INTO retraining_runs (model_name, kind, outcome) VALUES ('tiny', 'retrain', 'running')").run();
    const r = await lc.retrain('tiny', {});
    expect(r.outcome).toBe('deployed');
    expect(runs(sqlite, 'retrain')[0]).toMatchObject({ outcome: 'failed', error: 'interrupted: the process ended before the retrain finished' });
    expect(sqlite.prepare('SELECT COUNT(*) AS n FROM retrain_locks').get()).toEqual({ n: 0 });
  });

  it('evaluates the three triggers with their figures, records every check, and names the condition that fired', async () => {
    const { lc, setSettings, sqlite } = setup({ ML_RETRAINING_MIN_FEEDBACK_COUNT: 25, ML_RETRAINING_MAX_DAYS_SINCE_TRAINING: 7, ML_RETRAINING_PERFORMANCE_DEGRADATION_THRESHOLD: 0.1 });
    const none = lc.triggers.evaluate('tiny');
    expect(none.reasons).toEqual(['no_active_model']);
    await lc.retrain('tiny', {});
    const active = lc.versions.active('tiny')!;
    const quiet = lc.triggers.evaluate('tiny');
    expect(quiet.fired).toBe(false);
    expect(quiet.triggers.map((t) => [t.name, t.value, t.threshold, t.fired])).toEqual([
      ['min_feedback_count', 0, 25, false],
      ['max_days_since_training', 0, 7, false],
      ['performance_degradation', null, 0.1, false],
    ]);
    // 24 outcomes, half accurate: not enough feedback, but live accuracy (50%) is far below baseline.
    addFeedback(sqlite, 24, active.version, (i) => i % 2 === 0);
    const drop = lc.triggers.evaluate('tiny');
    const deg = drop.triggers.find((t) => t.name === 'performance_degradation')!;
    expect(drop.live.sample).toBe(24);
    expect(drop.live.accuracy).toBe(0.5);
    expect(deg.value).toBeCloseTo((active.baselineAccuracy! - 0.5) / active.baselineAccuracy!, 3);
    expect(deg.fired).toBe(deg.value! > 0.1);
    expect(drop.triggers[0]!.fired).toBe(false);
    addFeedback(sqlite, 1, null, () => true);
    const fired = lc.triggers.evaluate('tiny');
    expect(fired.reasons).toContain('min_feedback_count');
    expect(fx.log.lines).toContain('INFO  | Evaluating retraining triggers for tiny model');
    expect(fx.log.lines).toContain('INFO  | Retraining triggered: min_feedback_count condition met');
    setSettings({ ML_RETRAINING_MAX_DAYS_SINCE_TRAINING: 0 });
    expect(lc.triggers.evaluate('tiny').reasons).toContain('max_days_since_training');
    const checks = runs(sqlite, 'check');
    expect(checks).toHaveLength(5);
    expect(checks[1]).toMatchObject({ fired: 0, outcome: 'not-triggered' });
    const values = JSON.parse(checks[3]!.trigger_values) as Record<string, { value: number; threshold: number; fired: boolean }>;
    expect(values.min_feedback_count).toMatchObject({ value: 25, threshold: 25, fired: true });
    // Status evaluates without recording.
    lc.status('tiny');
    expect(runs(sqlite, 'check')).toHaveLength(5);
  });

  it('the scheduler checks at startup when the last check is overdue, persists it, and applies a new interval live', async () => {
    const { lc, setSettings, sqlite } = setup({ ML_RETRAINING_CHECK_INTERVAL_HOURS: 24 });
    sqlite.prepare('INSERT INTO app_state (key, value) VALUES (?, ?)').run(LAST_CHECK_KEY, new Date(Date.now() - 25 * 3_600_000).toISOString());
    lc.scheduler.start();
    expect(fx.log.lines).toContain('INFO  | Retraining scheduler started');
    await waitFor(() => runs(sqlite, 'retrain').length === 1 && !lc.scheduler.status().checking);
    expect(runs(sqlite, 'check')[0]!.reasons).toBe('["no_active_model"]');
    expect(lc.versions.active('tiny')!.version).toBe('1.0.0');
    const st = lc.scheduler.status();
    expect(Date.parse(st.nextCheckAt!) - Date.parse(st.lastCheckAt!)).toBe(24 * 3_600_000);
    // Not overdue now: nothing more happens until the interval is shortened live to ~0.5 s.
    await holdsThroughout('no second check before the interval', () => runs(sqlite, 'check').length === 1, 300);
    setSettings({ ML_RETRAINING_CHECK_INTERVAL_HOURS: 0.5 / 3600 });
    await waitFor(() => runs(sqlite, 'check').length >= 2);
    expect(fx.log.lines.some((l) => l.includes('Retraining check interval changed from 24 h'))).toBe(true);
    await lc.scheduler.stop();
    const n = runs(sqlite, 'check').length;
    await holdsThroughout('no check after stop (the interval is 0.5 s)', () => runs(sqlite, 'check').length === n, 800);
  });
});

async function waitFor(cond: () => boolean, ms = 15_000): Promise<void> {
  const t0 = Date.now();
  while (!cond()) {
    if (Date.now() - t0 > ms) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 50));
  }
}
