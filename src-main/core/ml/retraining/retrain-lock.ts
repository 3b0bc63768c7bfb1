// One retrain per model at a time across processes (DESIGN §4): a row in retrain_locks, taken in an
// IMMEDIATE transaction, with an expiry refreshed while the retrain runs. A lock whose owner process
// is gone, or whose expiry passed, is taken over, so a process killed mid-retrain never blocks the
// next one. Unlike the rest of retraining, the expiry is wall-clock time on purpose: it guards
// running processes, whatever date OPENFATTURE_TODAY pins for the data. acquired_at is on the app's
// clock, like the started_at of the runs it is compared with (a live holder's run started after it).
import crypto from 'node:crypto';
import { appNowIso } from '../../dates';
import type { Database } from '../../db/database';
import { AppError } from '../../errors';
import { isAlive } from '../registry/artifact-store';
import { RetrainLockRepository, type RetrainLockRow } from './retrain-lock-repository';

export const LOCK_TTL_MS = 10 * 60_000;
const HEARTBEAT_MS = 60_000;

type LockRow = RetrainLockRow;

export class RetrainLockedError extends AppError {
  constructor(model: string, holder: LockRow) {
    super('RETRAIN_LOCKED', `a retrain of ${model} is already running (pid ${holder.pid}, since ${holder.acquired_at})`);
  }
}

export class RetrainLock {
  private heartbeat: NodeJS.Timeout | null = null;

  private constructor(
    private readonly locks: RetrainLockRepository,
    readonly model: string,
    readonly owner: string,
  ) {}

  static holder(database: Database, model: string): LockRow | null {
    const row = new RetrainLockRepository(database.sqlite).get(model);
    if (!row) return null;
    return isAlive(row.pid) && Date.parse(row.expires_at) > Date.now() ? row : null;
  }

  /** Takes the lock or throws RetrainLockedError naming the holder. */
  static acquire(database: Database, model: string): RetrainLock {
    const locks = new RetrainLockRepository(database.sqlite);
    const owner = crypto.randomUUID();
    locks.exclusively(() => {
      const row = locks.get(model);
      if (row && isAlive(row.pid) && Date.parse(row.expires_at) > Date.now()) throw new RetrainLockedError(model, row);
      locks.put(model, { owner, pid: process.pid, acquired_at: appNowIso(), expires_at: new Date(Date.now() + LOCK_TTL_MS).toISOString() });
    });
    const lock = new RetrainLock(locks, model, owner);
    lock.heartbeat = setInterval(() => lock.refresh(), HEARTBEAT_MS);
    lock.heartbeat.unref();
    return lock;
  }

  refresh(): void {
    try {
      this.locks.extend(this.model, this.owner, new Date(Date.now() + LOCK_TTL_MS).toISOString());
    } catch {
      /* the database may be closing; the expiry still bounds the lock */
    }
  }

  release(): void {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.heartbeat = null;
    this.locks.remove(this.model, this.owner);
  }
}
