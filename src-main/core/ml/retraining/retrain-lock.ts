// One retrain per model at a time across processes (DESIGN §4): a row in retrain_locks, taken in an
// IMMEDIATE transaction, with an expiry refreshed while the retrain runs. A lock whose owner process
// is gone, or whose expiry passed, is taken over, so a process killed mid-retrain never blocks the
// next one. Unlike the rest of retraining, the expiry is wall-clock time on purpose: it guards
// running processes, whatever date OPENFATTURE_TODAY pins for the data. acquired_at is on the app's
// clock, like the started_at of the runs it is compared with (a live holder's run started after it).
import crypto from 'node:crypto';
import type BetterSqlite3 from 'better-sqlite3';
import { appNowIso } from '../../dates';
import type { Database } from '../../db/database';
import { AppError } from '../../errors';
import { isAlive } from '../registry/artifact-store';

export const LOCK_TTL_MS = 10 * 60_000;
const HEARTBEAT_MS = 60_000;

interface LockRow {
  owner: string;
  pid: number;
  acquired_at: string;
  expires_at: string;
}

export class RetrainLockedError extends AppError {
  constructor(model: string, holder: LockRow) {
    super('RETRAIN_LOCKED', `a retrain of ${model} is already running (pid ${holder.pid}, since ${holder.acquired_at})`);
  }
}

export class RetrainLock {
  private heartbeat: NodeJS.Timeout | null = null;

  private constructor(
    private readonly sqlite: BetterSqlite3.Database,
    readonly model: string,
    readonly owner: string,
  ) {}

  static holder(database: Database, model: string): LockRow | null {
    const row = database.sqlite.prepare('SELECT owner, pid, acquired_at, expires_at FROM retrain_locks WHERE model_name = ?').get(model) as LockRow | undefined;
    if (!row) return null;
    return isAlive(row.pid) && Date.parse(row.expires_at) > Date.now() ? row : null;
  }

  /** Takes the lock or throws RetrainLockedError naming the holder. */
  static acquire(database: Database, model: string): RetrainLock {
    const sqlite = database.sqlite;
    const owner = crypto.randomUUID();
    sqlite
      .transaction(() => {
        const row = sqlite.prepare('SELECT owner, pid, acquired_at, expires_at FROM retrain_locks WHERE model_name = ?').get(model) as LockRow | undefined;
        if (row && isAlive(row.pid) && Date.parse(row.expires_at) > Date.now()) throw new RetrainLockedError(model, row);
        const nowIso = appNowIso();
        sqlite
          .prepare('INSERT INTO retrain_locks (model_name, owner, pid, acquired_at, expires_at) VALUES (?, ?, ?, ?, ?) ON CONFLICT(model_name) DO UPDATE SET owner = excluded.owner, pid = excluded.pid, acquired_at = excluded.acquired_at, expires_at = excluded.expires_at')
          .run(model, owner, process.pid, nowIso, new Date(Date.now() + LOCK_TTL_MS).toISOString());
      })
      .immediate();
    const lock = new RetrainLock(sqlite, model, owner);
    lock.heartbeat = setInterval(() => lock.refresh(), HEARTBEAT_MS);
    lock.heartbeat.unref();
    return lock;
  }

  refresh(): void {
    try {
      this.sqlite.prepare('UPDATE retrain_locks SET expires_at = ? WHERE model_name = ? AND owner = ?').run(new Date(Date.now() + LOCK_TTL_MS).toISOString(), this.model, this.owner);
    } catch {
      /* the database may be closing; the expiry still bounds the lock */
    }
  }

  release(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.sqlite.prepare('DELETE FROM retrain_locks WHERE model_name = ? AND owner = ?').run(this.model, this.owner);
  }
}
