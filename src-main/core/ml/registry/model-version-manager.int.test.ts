import fs from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { InputError, NotFoundError } from '../../errors';
import { lifecycleFixture, type LifecycleFixture } from '../retraining/tiny-model-spec.fixture';
import { ArtifactStore, sha256 } from './artifact-store';
import { ModelVersionManager, type NewVersion } from './model-version-manager';

let fx: LifecycleFixture;
afterEach(async () => fx?.close());

function setup() {
  fx = lifecycleFixture(30);
  const store = new ArtifactStore(path.join(fx.dir, '.models'));
  return { vm: new ModelVersionManager(fx.database, store, fx.log.logger), store };
}

const version = (status: NewVersion['status'], artifact: string, extra: Partial<NewVersion> = {}): NewVersion => ({
  model: 'm',
  artifact,
  status,
  triggerReasons: ['manual'],
  trainingRows: 10,
  trainingCutoff: '2024-01-01',
  metrics: { holdout: { mae: 5 } },
  baselineAccuracy: 0.5,
  parentVersion: null,
  dryRun: false,
  ...extra,
});

describe('ModelVersionManager', () => {
  it('numbers 1.0.0 then minor bumps, writes checksummed artifacts, and keeps one active version', async () => {
    const { vm, store } = setup();
    const a = await vm.register(version('active', '{"a":1}'));
    const b = await vm.register(version('active', '{"b":2}'));
    expect([a.version, b.version]).toEqual(['1.0.0', '1.1.0']);
    expect(vm.get('m', '1.0.0')!.status).toBe('retired');
    expect(vm.active('m')!.version).toBe('1.1.0');
    const file = store.absolute(b.artifactPath!);
    expect(file).toBe(path.join(fx.dir, '.models', 'm', '1.1.0.json'));
    expect(fs.readFileSync(file, 'utf8')).toBe('{"b":2}');
    expect(b.artifactSha256).toBe(sha256('{"b":2}'));
    expect(fs.readdirSync(path.dirname(file)).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    expect(vm.loadActive('m')!.artifact).toBe('{"b":2}');
  });

  it('falls back to the newest healthy version when the active artifact is corrupt, with an ERROR and a recorded event', async () => {
    const { vm, store } = setup();
    await vm.register(version('active', '{"v":"1.0.0"}'));
    await vm.register(version('active', '{"v":"1.1.0"}'));
    await vm.register(version('active', '{"v":"1.2.0"}'));
    fs.writeFileSync(store.absolute('m/1.2.0.json'), '{"v":"1.2.X"}'); // same size, different bytes
    fs.rmSync(store.absolute('m/1.1.0.json')); // the next one is missing too
    const loaded = vm.loadActive('m')!;
    expect(loaded.version.version).toBe('1.0.0');
    expect(loaded.artifact).toBe('{"v":"1.0.0"}');
    expect(vm.active('m')!.version).toBe('1.0.0');
    expect(vm.get('m', '1.2.0')!.notes).toMatch(/artifact corrupt/);
    expect(fx.log.lines.some((l) => l.startsWith('ERROR') && l.includes('1.2.0 is corrupt'))).toBe(true);
    expect(fx.log.lines.some((l) => l.startsWith('ERROR') && l.includes('Fell back from m 1.2.0 to 1.0.0'))).toBe(true);
    const fb = vm.lastFallback('m')!;
    expect([fb.from, fb.to]).toEqual(['1.2.0', '1.0.0']);
    expect(fb.error).toMatch(/corrupt/);
  });

  it('prunes the oldest versions beyond MAX_VERSIONS but never the active one (rows and files)', async () => {
    const { vm, store } = setup();
    await vm.register(version('active', '{"v":0}'));
    for (let i = 1; i <= 4; i++) await vm.register(version('rejected', `{"v":${i}}`));
    // Active is the oldest (1.0.0): pruning to 2 keeps it and the newest other.
    expect(vm.prune('m', 2)).toEqual(['1.3.0', '1.2.0', '1.1.0']);
    expect(vm.list('m').map((v) => `${v.version}:${v.status}`)).toEqual(['1.4.0:rejected', '1.0.0:active']);
    expect(fs.existsSync(store.absolute('m/1.0.0.json'))).toBe(true);
    expect(fs.existsSync(store.absolute('m/1.1.0.json'))).toBe(false);
    expect(vm.prune('m', 1)).toEqual(['1.4.0']);
    expect(vm.list('m').map((v) => v.version)).toEqual(['1.0.0']);
    // A pruned number is never reused: the run that produced it still names it.
    fx.database.sqlite.prepare("INSERT INTO retraining_runs (model_name, kind, outcome, candidate_version) VALUES ('m', 'retrain', 'kept-current', '1.4.0')").run();
    expect(vm.nextVersion('m')).toBe('1.5.0');
  });

  it('never lets rejected candidates push out a version that was live: they are pruned first', async () => {
    const { vm, store } = setup();
    await vm.register(version('active', '{"v":"1.0.0"}'));
    for (let i = 1; i <= 5; i++) {
      await vm.register(version('rejected', `{"v":${i}}`));
      vm.prune('m', 3);
    }
    expect(vm.list('m').map((v) => `${v.version}:${v.status}`)).toEqual(['1.5.0:rejected', '1.4.0:rejected', '1.0.0:active']);
    await vm.register(version('active', '{"v":"1.6.0"}'));
    await vm.register(version('active', '{"v":"1.7.0"}'));
    // Three versions were live (1.7.0 active, 1.6.0 and 1.0.0 retired): they fill the limit, rejected ones go.
    expect(vm.prune('m', 3)).toEqual(['1.5.0', '1.4.0']);
    expect(vm.list('m').map((v) => `${v.version}:${v.status}`)).toEqual(['1.7.0:active', '1.6.0:retired', '1.0.0:retired']);
    expect(fs.existsSync(store.absolute('m/1.0.0.json'))).toBe(true);
    vm.rollback('m', '1.0.0');
    expect(vm.active('m')!.version).toBe('1.0.0');
    // Over the limit among live versions, the oldest goes — never the active, the pinned or the first one.
    await vm.register(version('rejected', '{"v":8}'));
    expect(vm.prune('m', 2)).toEqual(['1.8.0', '1.6.0']);
    expect(vm.list('m').map((v) => v.version)).toEqual(['1.7.0', '1.0.0']);
    vm.unpin('m');
    await vm.register(version('active', '{"v":9}'));
    await vm.register(version('active', '{"v":10}'));
    expect(vm.prune('m', 2)).toEqual(['1.9.0', '1.7.0']);
    expect(vm.list('m').map((v) => v.version)).toEqual(['1.10.0', '1.0.0']);
  });

  it('a rollback pins the version until it is unpinned or another version is deployed', async () => {
    const { vm } = setup();
    await vm.register(version('active', '{"v":0}'));
    await vm.register(version('active', '{"v":1}'));
    expect(vm.pinned('m')).toBeNull();
    process.env.OPENFATTURE_TODAY = '2025-03-04';
    try {
      vm.rollback('m', '1.0.0');
    } finally {
      delete process.env.OPENFATTURE_TODAY;
    }
    const pinned = vm.pinned('m')!;
    expect(pinned.version).toBe('1.0.0');
    expect(pinned.pinnedAt!.slice(0, 10)).toBe('2025-03-04');
    expect(fx.log.lines.some((l) => l.includes('Rolled back m model from 1.1.0 to 1.0.0; pinned until unpinned'))).toBe(true);
    expect(vm.unpin('m')).toBe('1.0.0');
    expect(vm.pinned('m')).toBeNull();
    expect(vm.unpin('m')).toBeNull();
    vm.rollback('m', '1.1.0');
    expect(vm.pinned('m')!.version).toBe('1.1.0');
    await vm.register(version('active', '{"v":2}'));
    expect(vm.pinned('m')).toBeNull();
  });

  it('rolls back to an earlier version without creating one, logged as a rollback run', async () => {
    const { vm } = setup();
    await vm.register(version('active', '{"v":0}'));
    await vm.register(version('active', '{"v":1}'));
    const r = vm.rollback('m', '1.0.0');
    expect(r.from).toBe('1.1.0');
    expect(vm.active('m')!.version).toBe('1.0.0');
    expect(vm.list('m')).toHaveLength(2);
    const run = fx.database.sqlite.prepare("SELECT kind, outcome, active_version, candidate_version, notes FROM retraining_runs WHERE kind = 'rollback'").get();
    expect(run).toEqual({ kind: 'rollback', outcome: 'rolled-back', active_version: '1.1.0', candidate_version: '1.0.0', notes: 'manual rollback' });
    expect(fx.log.lines.some((l) => l.includes('Rolled back m model from 1.1.0 to 1.0.0'))).toBe(true);
  });

  it('rejects bad rollbacks naming --version, changing nothing', async () => {
    const { vm } = setup();
    await vm.register(version('active', '{"v":0}'));
    expect(() => vm.rollback('m', '9.9.0')).toThrowError(NotFoundError);
    expect(() => vm.rollback('m', '9.9.0')).toThrowError(/--version: m has no version 9\.9\.0 \(versions: 1\.0\.0\)/);
    expect(() => vm.rollback('m', '1.0.0')).toThrowError(InputError);
    expect(() => vm.rollback('m', 'latest')).toThrowError(/--version: expected a version/);
    expect(fx.database.sqlite.prepare("SELECT COUNT(*) AS n FROM retraining_runs").get()).toEqual({ n: 0 });
  });

  it('marks the feedback a deployed version learnt from as consumed by it', async () => {
    const { vm } = setup();
    const ins = fx.database.sqlite.prepare("INSERT INTO model_prediction_feedback (model_name, prediction, was_accurate, created_at) VALUES ('m', '{}', 1, ?)");
    ins.run('2020-01-01T00:00:00.000Z');
    ins.run('2099-01-01T00:00:00.000Z');
    await vm.register(version('rejected', '{"v":0}', { consumeFeedbackThroughId: 1 }));
    expect(fx.database.sqlite.prepare('SELECT COUNT(*) AS n FROM model_prediction_feedback WHERE consumed_by_version IS NOT NULL').get()).toEqual({ n: 0 });
    await vm.register(version('active', '{"v":1}', { consumeFeedbackThroughId: 1 }));
    expect(fx.database.sqlite.prepare('SELECT created_at, consumed_by_version FROM model_prediction_feedback ORDER BY id').all()).toEqual([
      { created_at: '2020-01-01T00:00:00.000Z', consumed_by_version: '1.1.0' },
      { created_at: '2099-01-01T00:00:00.000Z', consumed_by_version: null },
    ]);
  });
});
