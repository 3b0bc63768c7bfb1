// A fresh SQLite database (all migrations applied) in its own temporary folder, closed and removed
// after each test of the file that asks for it.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach } from 'vitest';
import { openDatabase, type Database } from '../../src-main/core/db/database';

/** Registers the clean-up; the returned function opens one database per call. */
export function tempDatabases(prefix: string): () => Database {
  const opened: Database[] = [];
  afterEach(async () => {
    for (const d of opened.splice(0)) {
      await d.close();
      fs.rmSync(path.dirname(d.path), { recursive: true, force: true });
    }
  });
  return () => {
    const d = openDatabase(path.join(fs.mkdtempSync(path.join(os.tmpdir(), prefix)), 'db.sqlite'));
    opened.push(d);
    return d;
  };
}
