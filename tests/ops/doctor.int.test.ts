// `openfatture doctor` on a real data dir (demo book, two model versions, real RAG index) with one
// problem of each domain injected: it reports each with exit 1 and a fix line; `--fix` repairs the
// fixable ones and a second run is clean.
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { beforeAll, describe, expect, it } from 'vitest';
import { addSecondVersion, buildIndexedDataDir, cli, cliJson, cloneDataDir } from '../faults/fault-fixture';

interface DoctorOut {
  ok: boolean;
  results: { id: string; status: 'ok' | 'warn' | 'error'; detail: string; fix?: string; fixable?: boolean; fixed?: boolean }[];
}

const DOMAIN = ['rag.index', 'ml.artifacts', 'rag.embedding-model', 'rag.pending'];
let fixture: string;

beforeAll(() => {
  fixture = buildIndexedDataDir();
  addSecondVersion(fixture);
}, 400_000);

function doctor(dir: string, args: string[] = [], env: Record<string, string> = {}): { status: number | null; out: DoctorOut; stderr: string } {
  const r = cli(dir, ['doctor', '--json', ...args], env);
  return { status: r.status, out: JSON.parse(r.stdout) as DoctorOut, stderr: r.stderr };
}
const byId = (out: DoctorOut, id: string) => {
  const r = out.results.find((x) => x.id === id);
  expect(r, `check ${id} in ${JSON.stringify(out.results.map((x) => x.id))}`).toBeDefined();
  return r!;
};

describe('openfatture doctor: domain checks', () => {
  it('a healthy data dir passes every domain check', () => {
    const dir = cloneDataDir(fixture);
    const r = doctor(dir);
    expect(r.status, r.stderr).toBe(0);
    for (const id of DOMAIN) expect(byId(r.out, id).status, id).toBe('ok');
    expect(byId(r.out, 'ml.artifacts').detail).toMatch(/^2 version\(s\) match their checksums/);
    expect(byId(r.out, 'rag.embedding-model').detail).toMatch(/all-MiniLM-L6-v2 found in /);
  });

  it('reports a corrupt index, a corrupt active artifact, a missing model path and failing changes; --fix repairs them', () => {
    const dir = cloneDataDir(fixture);
    // 1. The HNSW file torn.
    const hnsw = path.join(dir, '.vectors', 'index.hnsw');
    fs.truncateSync(hnsw, Math.floor(fs.statSync(hnsw).size / 2));
    // 2. The active model's artifact edited, and an older version's file deleted (1.0.0 stays healthy).
    const db = new BetterSqlite3(path.join(dir, 'openfatture.db'));
    const active = db.prepare("SELECT version, artifact_path FROM model_versions WHERE model_name = 'cash_flow' AND status = 'active'").get() as { version: string; artifact_path: string };
    expect(active.version).toBe('1.1.0');
    fs.appendFileSync(path.join(dir, '.models', active.artifact_path), ' ');
    // 3. A change whose embedding keeps failing, waiting for a long back-off.
    db.prepare("INSERT INTO rag_changes(entity_type, entity_id, op, attempts, last_error, next_attempt_at) VALUES ('client', 2, 'upsert', 4, 'embedding failed: model timed out', '2999-01-01T00:00:00.000Z')").run();
    db.close();
    // 4. The configured embedding model folder holds no model.
    const badModelEnv = { OPENFATTURE_RAG_EMBEDDING_MODEL_PATH: 'no-such-model-dir' };

    const first = doctor(dir, [], badModelEnv);
    expect(first.status).toBe(1);
    expect(first.out.ok).toBe(false);
    const index = byId(first.out, 'rag.index');
    expect(index).toMatchObject({ status: 'error', fixable: true });
    expect(index.detail).toMatch(/corrupt/);
    expect(index.fix).toMatch(/rebuilds it from the stored embeddings/);
    const artifacts = byId(first.out, 'ml.artifacts');
    expect(artifacts).toMatchObject({ status: 'error', fixable: true });
    expect(artifacts.detail).toMatch(/cash_flow 1\.1\.0 \(active\) is corrupt/);
    expect(artifacts.fix).toMatch(/falls back to the newest healthy version/);
    const model = byId(first.out, 'rag.embedding-model');
    expect(model.status).toBe('warn');
    expect(model.detail).toMatch(/OPENFATTURE_RAG_EMBEDDING_MODEL_PATH=no-such-model-dir holds no all-MiniLM-L6-v2 \(looked in .*no-such-model-dir\); using .* instead/);
    expect(model.fix).toMatch(/Set OPENFATTURE_RAG_EMBEDDING_MODEL_PATH/);
    const pending = byId(first.out, 'rag.pending');
    expect(pending).toMatchObject({ status: 'warn', fixable: true });
    expect(pending.detail).toMatch(/1 change\(s\) failing \(up to 4 attempts\); last error: embedding failed: model timed out/);
    // Reporting changes nothing.
    expect(doctor(dir).out.results.filter((r) => r.status !== 'ok' && DOMAIN.includes(r.id)).map((r) => r.id).sort()).toEqual(['ml.artifacts', 'rag.index', 'rag.pending']);

    // Human output: each problem with its → fix line.
    const text = cli(dir, ['doctor']);
    expect(text.status).toBe(1);
    expect(text.stdout).toMatch(/✗ Vector index vs database: .*corrupt.*\n {2}→ doctor --fix rebuilds it/);
    expect(text.stdout).toMatch(/✗ Model artifacts: .*\n {2}→ doctor --fix falls back/);
    expect(text.stdout).toMatch(/! Pending reindex changes: .*\n {2}→ /);

    const fixed = doctor(dir, ['--fix']);
    expect(fixed.status, JSON.stringify(fixed.out.results)).toBe(0);
    expect(byId(fixed.out, 'rag.index')).toMatchObject({ status: 'ok', fixed: true });
    expect(byId(fixed.out, 'rag.index').detail).toMatch(/rebuilt from \d+ stored embeddings/);
    expect(byId(fixed.out, 'ml.artifacts')).toMatchObject({ status: 'ok', fixed: true });
    expect(byId(fixed.out, 'ml.artifacts').detail).toMatch(/cash_flow: active 1\.1\.0 \(corrupt\) → 1\.0\.0/);
    expect(byId(fixed.out, 'rag.pending')).toMatchObject({ status: 'ok', fixed: true });

    // The repairs are real: index file matches SQLite, 1.0.0 serves, the change is due now.
    const after = new BetterSqlite3(path.join(dir, 'openfatture.db'), { readonly: true });
    const stored = (after.prepare('SELECT COUNT(*) AS n FROM rag_documents WHERE embedding IS NOT NULL').get() as { n: number }).n;
    const change = after.prepare("SELECT attempts, last_error, next_attempt_at FROM rag_changes WHERE entity_type = 'client' AND entity_id = 2").get();
    const versions = after.prepare("SELECT version, status, notes FROM model_versions WHERE model_name = 'cash_flow' ORDER BY id").all();
    after.close();
    const meta = JSON.parse(fs.readFileSync(path.join(dir, '.vectors', 'index.meta.json'), 'utf8')) as { count: number };
    expect(meta.count).toBe(stored);
    expect(change).toEqual({ attempts: 0, last_error: null, next_attempt_at: null });
    expect(versions).toMatchObject([
      { version: '1.0.0', status: 'active' },
      { version: '1.1.0', status: 'retired', notes: expect.stringMatching(/^artifact corrupt/) as unknown },
    ]);
    expect(cliJson<{ activeVersion: string; activeHealth: string }>(dir, ['ai', 'retrain', 'status'])).toMatchObject({ activeVersion: '1.0.0', activeHealth: 'ok' });

    const second = doctor(dir);
    expect(second.status, JSON.stringify(second.out.results)).toBe(0);
    for (const id of DOMAIN) expect(byId(second.out, id).status, id).toBe('ok');
    expect(byId(second.out, 'ml.artifacts').detail).toMatch(/1 version\(s\) marked broken/);
  });

  it('marks a broken non-active version with --fix so it is no longer reported', () => {
    const dir = cloneDataDir(fixture);
    const db = new BetterSqlite3(path.join(dir, 'openfatture.db'), { readonly: true });
    const old = db.prepare("SELECT artifact_path FROM model_versions WHERE model_name = 'cash_flow' AND version = '1.0.0'").get() as { artifact_path: string };
    db.close();
    fs.rmSync(path.join(dir, '.models', old.artifact_path));
    const first = doctor(dir);
    expect(first.status).toBe(0); // a broken old version is a warning: the active one serves
    expect(byId(first.out, 'ml.artifacts')).toMatchObject({ status: 'warn', fixable: true });
    expect(byId(first.out, 'ml.artifacts').detail).toMatch(/cash_flow 1\.0\.0 \(retired\) is missing/);
    const fixed = doctor(dir, ['--fix']);
    expect(byId(fixed.out, 'ml.artifacts')).toMatchObject({ status: 'ok', fixed: true });
    expect(byId(doctor(dir).out, 'ml.artifacts')).toMatchObject({ status: 'ok' });
    const rollback = cli(dir, ['ai', 'retrain', 'rollback', '--version', '1.0.0']);
    expect(rollback.status).toBe(1);
    expect(rollback.stderr).toMatch(/artifact is missing/);
  });
});
