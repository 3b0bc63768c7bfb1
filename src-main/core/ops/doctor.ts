// `openfatture doctor`: checks a data dir and says what is wrong and how to fix it. Each check may
// carry a safe repair, applied with --fix. Domains contribute checks (index, model artifacts,
// embedding model) through `DoctorCheck` functions registered in doctorChecks().
import fs from 'node:fs';
import path from 'node:path';
import type { App } from '../app';
import { currentSchemaVersion, latestSchemaVersion, migrate } from '../db/migrator';
import { errorMessage } from '../errors';
import { isSettingKey, parseSettingValue, type SettingKey } from '../config/settings';

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
      const rows = app.database.sqlite.pragma('integrity_check') as { integrity_check: string }[];
      const problems = rows.map((r) => r.integrity_check).filter((r) => r !== 'ok');
      const fk = app.database.sqlite.pragma('foreign_key_check') as unknown[];
      if (problems.length) {
        return { status: 'error', detail: problems.slice(0, 5).join('; '), fix: 'Restore the latest backup: openfatture restore <file>' };
      }
      if (fk.length) return { status: 'error', detail: `${fk.length} rows reference missing records`, fix: 'Restore the latest backup: openfatture restore <file>' };
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
          if (e.isDirectory() && e.name !== '.pre-restore') walk(p);
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

/** Every registered check, core first. */
export function doctorChecks(): DoctorCheck[] {
  return [...coreChecks];
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
