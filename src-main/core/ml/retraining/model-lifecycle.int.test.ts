// The generic lifecycle on real SQLite with a tiny in-process model: triggers with their figures,
// champion/challenger outcomes, dry run, the cross-process lock, failures and the scheduler.
import { spawnSync } from 'node:child_process';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Settings } from '../../config/settings';
import { ModelLifecycle } from './model-lifecycle';
import { LAST_CHECK_KEY } from './retraining-scheduler';
import { BASELINE_MIN_SAMPLE, wilsonUpper } from './trigger-evaluator';
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
  return n;
}

describe('model lifecycle (generic, tiny model)', () => {
  it('deploys a first model as 1.0.0 when it beats the baseline; keeps the current model when a retrain has nothing new or does not improve enough, saying why', async () => {
    const { lc, setSettings, sqlite } = setup({}, 400);
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
    // Again the same day: the holdout comes from the data, the active version saw all of it, so it is
    // compared through its settings retrained on the candidate's data — same data, same model, kept.
    const same = await lc.retrain('tiny', { reasons: ['manual'] });
    expect(same.outcome).toBe('kept-current');
    expect(same.comparison).toEqual({ on: 'active-settings-refit', rows: same.holdout!.rows });
    expect(same.improvement).toBe(0);
    expect(same.reason).toContain('only 0 paid invoices since 1.0.0 was trained (50 needed to compare on data neither saw): compared with its settings retrained');
    expect(lc.versions.get('tiny', '1.1.0')!.status).toBe('rejected');
    // Six months later, with a demanding threshold: compared on the holdout rows 1.0.0 never saw, then kept with the figures.
    at(T2);
    setSettings({ ML_RETRAINING_MIN_IMPROVEMENT_PERCENTAGE: 0.5 });
    const later = await lc.retrain('tiny', { reasons: ['max_days_since_training'] });
    expect(later.outcome).toBe('kept-current');
    expect(later.activeVersion).toBe('1.0.0');
    expect(later.comparison!.on).toBe('unseen-by-active');
    expect(later.comparison!.rows).toBe(later.active!.n);
    expect(later.reason).toMatch(/improvement -?\d+\.\d% < 50\.0% required/);
    expect(lc.versions.get('tiny', '1.2.0')!.status).toBe('rejected');
    const retrains = runs(sqlite, 'retrain');
    expect(retrains.map((r) => r.outcome)).toEqual(['deployed', 'kept-current', 'kept-current']);
    expect(retrains[2]!.notes).toContain('< 50.0% required');
  });

  it('deploys a candidate that beats the active model on the same unseen rows by ≥ MIN_IMPROVEMENT_PERCENTAGE', async () => {
    const { lc, knobs, sqlite } = setup({}, 400);
    at(T1);
    knobs.bias = 5; // a deliberately poor first model (still better than the due date)
    await lc.retrain('tiny', {});
    knobs.bias = 0;
    at(T2);
    const r = await lc.retrain('tiny', { reasons: ['performance_degradation'] });
    expect(r.outcome).toBe('deployed');
    expect(r.activeVersion).toBe('1.1.0');
    // Compared on the later half of the outcomes since 1.0.0's cutoff: neither model saw them.
    expect(r.comparison).toEqual({ on: 'unseen-by-active', rows: r.active!.n });
    expect(r.active!.n).toBe(r.candidate!.n);
    expect(r.active!.n).toBeGreaterThanOrEqual(25);
    const run = sqlite.prepare("SELECT candidate_metrics, improvement FROM retraining_runs WHERE kind = 'retrain' ORDER BY id DESC LIMIT 1").get() as { candidate_metrics: string; improvement: number };
    expect(JSON.parse(run.candidate_metrics)).toMatchObject({ n: r.active!.n, mae: r.candidate!.mae });
    expect(r.improvement).toBeCloseTo((r.active!.mae - r.candidate!.mae) / r.active!.mae, 10);
    expect(r.improvement!).toBeGreaterThan(0.02);
    expect(lc.versions.get('tiny', '1.0.0')!.status).toBe('retired');
    expect(lc.versions.active('tiny')!.triggerReasons).toEqual(['performance_degradation']);
    expect(lc.versions.active('tiny')!.trainingCutoff).toBe('2025-01-01');
  });

  it('DRY_RUN trains and records but never deploys', async () => {
    const { lc, knobs, setSettings, sqlite } = setup({}, 400);
    at(T1);
    knobs.bias = 5;
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
    at(T1);
    const none = lc.triggers.evaluate('tiny');
    expect(none.reasons).toEqual(['no_active_model']);
    await lc.retrain('tiny', {});
    const quiet = lc.triggers.evaluate('tiny');
    expect(quiet.fired).toBe(false);
    expect(quiet.triggers.map((t) => [t.name, t.value, t.threshold, t.fired])).toEqual([
      ['min_feedback_count', 0, 25, false],
      ['max_days_since_training', expect.any(Number), 7, false],
      ['performance_degradation', null, 0.1, false],
    ]);
    addFeedback(sqlite, 24, '1.0.0', (i) => i % 2 === 0);
    expect(lc.triggers.evaluate('tiny').triggers[0]!.fired).toBe(false);
    addFeedback(sqlite, 1, null, () => true);
    const fired = lc.triggers.evaluate('tiny');
    expect(fired.reasons).toContain('min_feedback_count');
    expect(fired.triggers[0]!.message).toEqual({ code: 'trigger-outcomes-since-evaluation', params: { count: 25, threshold: 25, since: expect.stringMatching(/^2024-06-30T/) as string } });
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

  it('counts outcomes since the last evaluation, not the last deployment, and never retrains without new ones', async () => {
    const { lc, setSettings, sqlite } = setup({ ML_RETRAINING_MIN_FEEDBACK_COUNT: 25, ML_RETRAINING_MAX_DAYS_SINCE_TRAINING: 7 });
    at(T1);
    await lc.retrain('tiny', {});
    addFeedback(sqlite, 30, '1.0.0', () => true);
    expect(lc.triggers.evaluate('tiny', { record: false }).reasons).toEqual(['min_feedback_count']);
    // The candidate is evaluated and kept: its outcomes were looked at, so they stop counting.
    setSettings({ ML_RETRAINING_MIN_IMPROVEMENT_PERCENTAGE: 0.99 });
    const kept = await lc.retrain('tiny', { reasons: ['min_feedback_count'] });
    expect(kept.outcome).toBe('kept-current');
    expect(kept.newOutcomes).toBe(30);
    const after = lc.triggers.evaluate('tiny', { record: false });
    expect(after.feedbackSinceTraining).toBe(0);
    expect(after.fired).toBe(false);
    // Ten days on, the model is old — but nothing new arrived: the check holds the retrain and says why.
    at('2024-07-10');
    const calls = runs(sqlite, 'retrain').length;
    const [report] = await lc.scheduler.checkNow();
    expect(report!.evaluation.reasons).toEqual(['max_days_since_training']);
    expect(report!.evaluation.held).toMatchObject({ code: 'retrain-held-no-outcomes' });
    expect(report!.retrain).toBeNull();
    expect(runs(sqlite, 'retrain')).toHaveLength(calls);
    expect(runs(sqlite, 'check').at(-1)).toMatchObject({ fired: 0, outcome: 'not-triggered' });
    expect(runs(sqlite, 'check').at(-1)!.notes).toMatch(/^no new outcome since the last evaluation \(2024-06-30\)/);
    // One new outcome: the age trigger starts a retrain, which records what it saw.
    addFeedback(sqlite, 1, '1.0.0', () => true);
    const [next] = await lc.scheduler.checkNow();
    expect(next!.retrain!.newOutcomes).toBe(1);
    const last = sqlite.prepare("SELECT new_outcomes, outcomes_through_id FROM retraining_runs WHERE kind = 'retrain' ORDER BY id DESC LIMIT 1").get();
    expect(last).toEqual({ new_outcomes: 1, outcomes_through_id: (sqlite.prepare('SELECT MAX(id) AS id FROM model_prediction_feedback').get() as { id: number }).id });
  });

  it('a rollback pins the version: scheduled checks hold every retrain until the user unpins', async () => {
    const { lc, knobs, sqlite } = setup({ ML_RETRAINING_MIN_FEEDBACK_COUNT: 5 }, 400);
    at(T1);
    knobs.bias = 5;
    await lc.retrain('tiny', {});
    knobs.bias = 0;
    at(T2);
    expect((await lc.retrain('tiny', {})).outcome).toBe('deployed');
    lc.rollback('tiny', '1.0.0');
    expect(lc.status('tiny').pinned).toMatchObject({ version: '1.0.0' });
    addFeedback(sqlite, 10, '1.0.0', () => false);
    const retrains = runs(sqlite, 'retrain').length;
    const [held] = await lc.scheduler.checkNow();
    expect(held!.evaluation.reasons).toContain('min_feedback_count');
    expect(held!.evaluation.held).toEqual({ code: 'retrain-held-pinned', params: { version: '1.0.0' } });
    expect(runs(sqlite, 'retrain')).toHaveLength(retrains);
    expect(lc.versions.active('tiny')!.version).toBe('1.0.0');
    expect(lc.status('tiny').held).toEqual({ code: 'retrain-held-pinned', params: { version: '1.0.0' } });
    expect(lc.unpin('tiny')).toBe('1.0.0');
    const [resumed] = await lc.scheduler.checkNow();
    expect(resumed!.retrain).not.toBeNull();
    expect(runs(sqlite, 'retrain')).toHaveLength(retrains + 1);
  });

  it('measures the model\'s age on the app clock', async () => {
    const { lc } = setup({ ML_RETRAINING_MAX_DAYS_SINCE_TRAINING: 7 });
    at(T1);
    await lc.retrain('tiny', {});
    expect(lc.versions.active('tiny')!.createdAt.slice(0, 10)).toBe(T1);
    at('2024-07-03');
    const age = lc.triggers.evaluate('tiny', { record: false }).triggers.find((t) => t.name === 'max_days_since_training')!;
    expect(age.value!).toBeGreaterThanOrEqual(2);
    expect(age.value!).toBeLessThan(4);
    expect(age.fired).toBe(false);
    at('2024-07-08');
    expect(lc.triggers.evaluate('tiny', { record: false }).reasons).toEqual(['max_days_since_training']);
  });

  it('fires on an accuracy drop only when the baseline rests on enough predictions and the drop is clear at 95% confidence', async () => {
    const { lc, sqlite } = setup({ ML_RETRAINING_PERFORMANCE_DEGRADATION_THRESHOLD: 0.1 }, 400);
    at(T2);
    await lc.retrain('tiny', {});
    const v = lc.versions.active('tiny')!;
    // Measured on every invoice paid after the candidate's cut-off, not only the holdout's quick payers.
    expect(v.baselineSample!).toBeGreaterThanOrEqual(v.metrics.holdoutRows as number);
    expect(v.baselineSample).toBeGreaterThanOrEqual(BASELINE_MIN_SAMPLE);
    const base = v.baselineAccuracy!;
    const degradation = () => lc.triggers.evaluate('tiny', { record: false }).triggers.find((t) => t.name === 'performance_degradation')!;
    // As accurate as the baseline: no drop.
    addFeedback(sqlite, 100, v.version, (i) => i < Math.round(base * 100));
    const same = degradation();
    expect(same.fired).toBe(false);
    expect(same.message).toMatchObject({ code: 'trigger-accuracy-drop', params: { sample: 100, baseline: base, baselineSample: v.baselineSample } });
    // A dip just past the threshold is within noise at 95%: no alarm yet.
    addFeedback(sqlite, 100, v.version, (i) => i < Math.round(base * 85));
    const dip = lc.triggers.evaluate('tiny', { record: false });
    expect(dip.live.upper!).toBeCloseTo(wilsonUpper(dip.live.accuracy!, 100), 12);
    expect(dip.triggers.find((t) => t.name === 'performance_degradation')!.fired).toBe(false);
    // Every recent prediction missed: a clear drop.
    addFeedback(sqlite, 100, v.version, () => false);
    expect(degradation().fired).toBe(true);
    // The same figures over a baseline of 21 predictions are not enough to act on.
    sqlite.prepare('UPDATE model_versions SET baseline_sample = 21 WHERE version = ?').run(v.version);
    const small = degradation();
    expect(small.fired).toBe(false);
    expect(small.message).toEqual({ code: 'trigger-baseline-small', params: { sample: 21, needed: BASELINE_MIN_SAMPLE, version: v.version } });
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
