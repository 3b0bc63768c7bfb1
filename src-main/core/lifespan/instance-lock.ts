// One long-running app (desktop window or browser host) per data dir. The lock file holds the pid;
// a lock whose process is gone is stale and taken over. Restore refuses while a live lock exists.
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors';
import { writeFileAtomic } from '../fs/atomic-file';

export interface InstanceLockInfo {
  pid: number;
  host: string;
  startedAt: string;
}

export const LOCK_FILE = 'app.lock';

/** Whether a process with this pid exists (EPERM: it exists but belongs to another user). */
export function isProcessAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The live app holding this data dir, or null. Stale locks (dead pid, unreadable file) count as free. */
export function readInstanceLock(dataDir: string): InstanceLockInfo | null {
  try {
    const info = JSON.parse(fs.readFileSync(path.join(dataDir, LOCK_FILE), 'utf8')) as InstanceLockInfo;
    return Number.isInteger(info.pid) && info.pid !== process.pid && isProcessAlive(info.pid) ? info : null;
  } catch {
    return null;
  }
}

export class InstanceLock {
  private constructor(private readonly file: string) {}

  static acquire(dataDir: string, host: string): InstanceLock {
    const file = path.join(dataDir, LOCK_FILE);
    const holder = readInstanceLock(dataDir);
    if (holder) {
      throw new AppError('APP_RUNNING', `Another OpenFatture app (${holder.host}, pid ${holder.pid}) is already running on ${dataDir}`);
    }
    const info: InstanceLockInfo = { pid: process.pid, host, startedAt: new Date().toISOString() };
    writeFileAtomic(file, JSON.stringify(info));
    return new InstanceLock(file);
  }

  release(): void {
    try {
      const info = JSON.parse(fs.readFileSync(this.file, 'utf8')) as InstanceLockInfo;
      if (info.pid === process.pid) fs.unlinkSync(this.file);
    } catch {
      // already gone
    }
  }
}
