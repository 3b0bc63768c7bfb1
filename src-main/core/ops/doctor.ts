// `openfatture doctor`: checks a data dir and says what is wrong and how to fix it. Each check may
// carry a safe repair, applied with --fix. Domains contribute checks (index, model artifacts,
// embedding model) through `DoctorCheck` functions registered in doctorChecks().
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import type { App } from '../app';
import { currentSchemaVersion, latestSchemaVersion, migrate } from '../db/migrator';
import { foreignKeyViolations, integrityCheck } from '../db/database-maintenance';
import { ModelVersionRepository } from '../ml/registry/model-version-repository';
import { RagDocumentRepository } from '../rag/rag-document-repository';
import { RagOutbox } from '../rag/rag-outbox';
import { errorMessage } from '../errors';
import { isSettingKey, parseSettingValue, type SettingKey } from '../config/settings';
import { embeddingModelSpec, localModelLocation } from '../rag/embedder';
import { readGeneration, VectorIndex } from '../rag/vector-index';
import { listSafetyCopies, pruneSafetyCopies } from './backup';
import { listOpsTemp, OPS_TEMP_DIR, opsTempRoot, sweepStaleOpsTemp } from './ops-temp';
import { formatBytes } from './restore-archive';

export type CheckStatus = 'ok' | 'warn' | 'error';

export interface CheckResult {
  id: string;
  title: string;
  status: CheckStatus;
  detail: string;
  /** What the user can do; shown when status is not ok. */
  fix?: string;
  /** Whether `--fix` can repair it safely. */
  fixable?: boolean;
  fixed?: boolean;
}

export interface DoctorCheck {
  id: string;
  title: string;
  run(app: App, options: { fix: boolean }): Promise<Omit<CheckResult, 'id' | 'title'>> | Omit<CheckResult, 'id' | 'title'>;
}

const MIN_FREE_BYTES = 200 * 1024 * 1024;

export const coreChecks: DoctorCheck[] = [
  {
    id: 'database.integrity',
    title: 'Database integrity',
    run(app) {
      const problems = integrityCheck(app.database.sqlite).filter((r) => r !== 'ok');
      const fk = foreignKeyViolations(app.database.sqlite);
      if (problems.length) {
        return { status: 'error', detail: problems.slice(0, 5).join('; '), fix: 'Restore the latest backup: openfatture restore <file>' };
      }
      if (fk) return { status: 'error', detail: `${fk} rows reference missing records`, fix: 'Restore the latest backup: openfatture restore <file>' };
      return { status: 'ok', detail: 'PRAGMA integrity_check: ok; foreign keys consistent' };
    },
  },
  {
    id: 'database.migrations',
    title: 'Schema migrations',
    run(app, { fix }) {
      const cur = currentSchemaVersion(app.database.sqlite);
      const latest = latestSchemaVersion();
      if (cur === latest) return { status: 'ok', detail: `schema version ${cur} (current)` };
      if (cur > latest) return { status: 'error', detail: `schema ${cur} is newer than this app (${latest})`, fix: 'Update OpenFatture to the version that wrote this database' };
      if (fix) {
        migrate(app.database.sqlite);
        return { status: 'ok', detail: `migrated from ${cur} to ${latest}`, fixed: true };
      }
      return { status: 'warn', detail: `schema ${cur}, latest ${latest}`, fix: 'openfatture init-db (or doctor --fix)', fixable: true };
    },
  },
  {
    id: 'disk.space',
    title: 'Disk space',
    run(app) {
      const st = fs.statfsSync(app.paths.dataDir);
      const free = st.bavail * st.bsize;
      const mb = Math.round(free / 1024 / 1024);
      if (free < MIN_FREE_BYTES) return { status: 'warn', detail: `${mb} MiB free in ${app.paths.dataDir}`, fix: 'Free disk space: model versions (ML_RETRAINING_MAX_VERSIONS), old backups, logs' };
      return { status: 'ok', detail: `${mb} MiB free` };
    },
  },
  {
    id: 'settings.store',
    title: 'Settings store',
    run(app, { fix }) {
      const stored = app.options.settings.store.all();
      const bad: string[] = [];
      for (const [key, value] of Object.entries(stored)) {
        if (!isSettingKey(key)) {
          bad.push(`${key}: unknown setting`);
          continue;
        }
        try {
          parseSettingValue(key, value, 'from the settings store');
        } catch (e) {
          bad.push(errorMessage(e));
        }
      }
      if (!bad.length) return { status: 'ok', detail: `${Object.keys(stored).length} stored value(s), all valid` };
      if (fix) {
        for (const key of Object.keys(stored)) {
          if (bad.some((b) => b.startsWith(`${key}:`) || b.includes(`OPENFATTURE_${key}=`))) app.options.settings.store.delete(key as SettingKey);
        }
        return { status: 'ok', detail: `removed ${bad.length} invalid stored value(s); defaults apply`, fixed: true };
      }
      return { status: 'error', detail: bad.join('; '), fix: 'Correct them in Settings, or run doctor --fix to drop them', fixable: true };
    },
  },
  {
    id: 'files.leftovers',
    title: 'Interrupted writes',
    run(app, { fix }) {
      const leftovers: string[] = [];
      const walk = (dir: string) => {
        if (!fs.existsSync(dir)) return;
        for (const e of fs.readdirSync(dir, { withFileTypes: true })) {
          const p = path.join(dir, e.name);
          // The safety copies are kept as they were; the working folders have their own check.
          if (e.isDirectory() && e.name !== '.pre-restore' && p !== opsTempRoot(app.paths.dataDir)) walk(p);
          else if (e.isFile() && /\.tmp$/.test(e.name)) leftovers.push(p);
        }
      };
      walk(app.paths.dataDir);
      if (!leftovers.length) return { status: 'ok', detail: 'no half-written temporary files' };
      if (fix) {
        leftovers.forEach((f) => fs.rmSync(f, { force: true }));
        return { status: 'ok', detail: `removed ${leftovers.length} temporary file(s) left by an interrupted write`, fixed: true };
      }
      return { status: 'warn', detail: `${leftovers.length} temporary file(s) from an interrupted write`, fix: 'doctor --fix removes them (they were never the live copy)', fixable: true };
    },
  },
  {
    id: 'ops.temp',
    title: 'Backup and restore working folders',
    run(app, { fix }) {
      const root = opsTempRoot(app.paths.dataDir);
      let st: fs.Stats;
      try {
        st = fs.lstatSync(root);
      } catch {
        return { status: 'ok', detail: 'no working folders' };
      }
      if (!st.isDirectory()) {
        const what = st.isSymbolicLink() ? 'a symbolic link' : 'not a folder';
        if (fix) {
          // Unlinking a link removes the link only, never what it points to.
          fs.unlinkSync(root);
          return { status: 'ok', detail: `removed ${OPS_TEMP_DIR} (${what}); backups and restores make it again`, fixed: true };
        }
        return { status: 'error', detail: `${root} is ${what}: backups and restores refuse to work there`, fix: `doctor --fix removes it`, fixable: true };
      }
      const entries = listOpsTemp(app.paths.dataDir);
      const stale = entries.filter((e) => e.stale);
      const inUse = entries.filter((e) => !e.stale);
      const busy = inUse.length ? `; ${inUse.length} in use (pid ${inUse.map((e) => e.pid).join(', ')})` : '';
      const loose = (st.mode & 0o777) !== 0o700;
      if (!stale.length && !loose) return { status: 'ok', detail: `no working folders left by an interrupted backup or restore${busy}` };
      const bytes = stale.reduce((sum, e) => sum + e.bytes, 0);
      const problem = [
        stale.length ? `${stale.length} working folder(s) left by an interrupted backup or restore (${formatBytes(bytes)}, copies of your data): ${stale.map((e) => e.name).join(', ')}` : '',
        loose ? `${OPS_TEMP_DIR} has mode ${(st.mode & 0o777).toString(8)}, not 700` : '',
      ]
        .filter(Boolean)
        .join('; ');
      if (fix) {
        const removed = sweepStaleOpsTemp(app.paths.dataDir);
        if (loose) fs.chmodSync(root, 0o700);
        return { status: 'ok', detail: `removed ${removed.length} working folder(s) (${formatBytes(bytes)})${loose ? ', mode set to 700' : ''}${busy}`, fixed: true };
      }
      return { status: 'warn', detail: problem + busy, fix: 'doctor --fix removes them (nothing uses them)', fixable: true };
    },
  },
  {
    id: 'backup.safety-copies',
    title: 'Safety copies from restores',
    run(app, { fix }) {
      const keep = app.settings.BACKUP_PRE_RESTORE_KEEP;
      const root = path.join(app.paths.dataDir, '.pre-restore');
      let st: fs.Stats | null = null;
      try {
        st = fs.lstatSync(root);
      } catch {
        /* none yet */
      }
      if (st && !st.isDirectory()) {
        return { status: 'error', detail: `${root} is ${st.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}: restores refuse to keep safety copies there`, fix: 'Move it out of the data folder' };
      }
      const copies = listSafetyCopies(app.paths.dataDir);
      if (copies.length <= keep) return { status: 'ok', detail: `${copies.length} safety copies (OPENFATTURE_BACKUP_PRE_RESTORE_KEEP=${keep})` };
      if (fix) {
        const removed = pruneSafetyCopies(app.paths.dataDir, keep);
        return { status: 'ok', detail: `removed the ${removed.length} oldest safety copies, keeping ${keep}`, fixed: true };
      }
      return {
        status: 'warn',
        detail: `${copies.length} safety copies, more than OPENFATTURE_BACKUP_PRE_RESTORE_KEEP=${keep}`,
        fix: 'doctor --fix removes the oldest (the next restore does too)',
        fixable: true,
      };
    },
  },
  {
    id: 'worker.health',
    title: 'Worker process',
    async run(app) {
      const t0 = performance.now();
      try {
        const pong = await app.worker.call('ping', {}, { timeoutMs: 30_000 });
        return { status: 'ok', detail: `answered in ${Math.round(performance.now() - t0)} ms (pid ${pong.pid})` };
      } catch (e) {
        return { status: 'error', detail: errorMessage(e), fix: 'Reinstall dependencies (npm ci) and check the log in <data>/logs' };
      }
    },
  },
];

/** Whether the index file on disk matches rag_documents; null when it does, else why not. */
function indexMismatch(app: App): { reason: string | null; stored: number } {
  const vi = new VectorIndex(app.paths.vectorDir, app.rag.embedder.modelId, app.logger);
  const sqlite = app.database.sqlite;
  const stored = vi.storedCount(sqlite);
  const generation = readGeneration(sqlite);
  const meta = vi.readMeta();
  if (!meta || !fs.existsSync(vi.file)) return { reason: stored ? `no index file for ${stored} stored embeddings` : null, stored };
  if (meta.generation !== generation) return { reason: `index generation ${meta.generation}, database generation ${generation}`, stored };
  if (meta.count !== stored) return { reason: `index holds ${meta.count} vectors, database ${stored}`, stored };
  if (meta.model !== app.rag.embedder.modelId) return { reason: `index built for ${meta.model}, the database's embeddings are ${app.rag.embedder.modelId}`, stored };
  const buf = fs.readFileSync(vi.file);
  if (buf.length !== meta.bytes || crypto.createHash('sha256').update(buf).digest('hex') !== meta.sha256) {
    return { reason: `index file ${vi.file} is corrupt (size or checksum differs from its meta)`, stored };
  }
  return { reason: null, stored };
}

/** Broken model versions already marked as such (by a fall-back or by doctor --fix). */
const isMarkedBroken = (notes: string | null): boolean => !!notes && /^artifact (corrupt|missing)/.test(notes);

export const domainChecks: DoctorCheck[] = [
  {
    id: 'rag.index',
    title: 'Vector index vs database',
    async run(app, { fix }) {
      const { reason, stored } = indexMismatch(app);
      if (!reason) return { status: 'ok', detail: `index file matches the database (${stored} vectors)` };
      if (!fix) {
        return { status: 'error', detail: reason, fix: 'doctor --fix rebuilds it from the stored embeddings (no re-embedding)', fixable: true };
      }
      // Without its meta the file counts as absent: opening rebuilds from rag_documents and the save
      // below writes a fresh file (the meta alone may still describe a file that was damaged since).
      fs.rmSync(new VectorIndex(app.paths.vectorDir, app.rag.embedder.modelId, app.logger).metaFile, { force: true });
      await app.rag.vectors();
      const saved = await app.rag.saveIndex('doctor');
      if (!saved) return { status: 'error', detail: `${reason}; another running process holds the index file`, fix: 'Close the app and run doctor --fix again' };
      const after = indexMismatch(app);
      if (after.reason) return { status: 'error', detail: `rebuilt but still: ${after.reason}`, fix: 'openfatture ai rag reindex --full' };
      return { status: 'ok', detail: `rebuilt from ${after.stored} stored embeddings (was: ${reason})`, fixed: true };
    },
  },
  {
    id: 'ml.artifacts',
    title: 'Model artifacts',
    run(app, { fix }) {
      const versions = app.models.versions;
      const problems: string[] = [];
      const fixedNotes: string[] = [];
      let checked = 0;
      let marked = 0;
      let activeBroken = false;
      for (const model of app.models.modelNames()) {
        if (fix) {
          const fb = versions.ensureHealthyActive(model);
          if (fb) fixedNotes.push(`${model}: active ${fb.from} (${fb.health}) → ${fb.to ?? 'none healthy'}`);
        }
        for (const v of versions.list(model)) {
          checked++;
          const health = versions.health(v);
          if (health === 'ok') continue;
          if (v.status === 'active') {
            activeBroken = true;
            problems.push(`${model} ${v.version} (active) is ${health}`);
          } else if (isMarkedBroken(v.notes)) {
            marked++;
          } else if (fix) {
            new ModelVersionRepository(app.database.sqlite).setNotes(model, v.version, `artifact ${health}: found by doctor ${new Date().toISOString()}`);
            fixedNotes.push(`${model} ${v.version} marked ${health}`);
            marked++;
          } else {
            problems.push(`${model} ${v.version} (${v.status}) is ${health}`);
          }
        }
      }
      const markedNote = marked ? `; ${marked} version(s) marked broken (never loaded)` : '';
      if (problems.length) {
        return {
          status: activeBroken ? 'error' : 'warn',
          detail: problems.join('; ') + markedNote,
          fix: activeBroken
            ? 'doctor --fix falls back to the newest healthy version (or retrain: openfatture ai retrain)'
            : 'doctor --fix marks the broken versions so they are never rolled back to',
          fixable: true,
        };
      }
      if (fixedNotes.length) return { status: 'ok', detail: `${fixedNotes.join('; ')}; ${checked} version(s) checked`, fixed: true };
      return { status: 'ok', detail: `${checked} version(s) match their checksums${markedNote}` };
    },
  },
  {
    id: 'rag.embedding-model',
    title: 'Embedding model',
    run(app) {
      const s = app.settings;
      const spec = embeddingModelSpec(s, app.paths);
      const found = localModelLocation(spec);
      const howTo = 'Set OPENFATTURE_RAG_EMBEDDING_MODEL_PATH to the folder holding the model (its config.json and onnx/)';
      if (s.RAG_EMBEDDING_MODEL_PATH) {
        const wanted = path.resolve(app.paths.dataDir, s.RAG_EMBEDDING_MODEL_PATH);
        if (!localModelLocation({ ...spec, localDirs: [wanted] })) {
          return {
            status: found ? 'warn' : 'error',
            detail: `OPENFATTURE_RAG_EMBEDDING_MODEL_PATH=${s.RAG_EMBEDDING_MODEL_PATH} holds no ${s.RAG_EMBEDDING_MODEL} (looked in ${wanted})${found ? `; using ${found} instead` : ''}`,
            fix: howTo,
          };
        }
      }
      if (found) return { status: 'ok', detail: `${s.RAG_EMBEDDING_MODEL} found in ${found}` };
      return {
        status: 'warn',
        detail: `no local copy of ${s.RAG_EMBEDDING_MODEL} (looked in ${spec.localDirs.join(', ')}); it would be downloaded on first use`,
        fix: howTo,
      };
    },
  },
  {
    id: 'rag.pending',
    title: 'Pending reindex changes',
    run(app, { fix }) {
      const outbox = new RagOutbox(app.database.sqlite, () => app.settings);
      const failing = outbox.failureSummary();
      const docs = new RagDocumentRepository(app.database.sqlite).failedEmbeddingCount();
      if (!failing.failing && !docs) return { status: 'ok', detail: `${failing.pendingEntities} change(s) waiting, none failing` };
      if (fix) {
        outbox.retryFailuresNow();
        return { status: 'ok', detail: `reset the back-off of ${failing.failing + docs} failed change(s); they are retried by the next batch`, fixed: true };
      }
      return {
        status: 'warn',
        detail: `${failing.failing} change(s) failing (up to ${failing.maxAttempts ?? 0} attempts)${docs ? `, ${docs} document(s) without embedding` : ''}; last error: ${failing.lastError ?? 'none recorded'}`,
        fix: 'Fix the cause above, then doctor --fix retries them now (or wait for the back-off)',
        fixable: true,
      };
    },
  },
];

/** Every registered check, core first. */
export function doctorChecks(): DoctorCheck[] {
  return [...coreChecks, ...domainChecks];
}

export async function runDoctor(app: App, options: { fix: boolean; checks?: DoctorCheck[] }): Promise<CheckResult[]> {
  const results: CheckResult[] = [];
  for (const check of options.checks ?? doctorChecks()) {
    try {
      results.push({ id: check.id, title: check.title, ...(await check.run(app, { fix: options.fix })) });
    } catch (e) {
      results.push({ id: check.id, title: check.title, status: 'error', detail: `check failed: ${errorMessage(e)}` });
    }
  }
  return results;
}
