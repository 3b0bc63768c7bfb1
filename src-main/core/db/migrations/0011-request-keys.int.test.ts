import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { migrate } from '../migrator';
import { MIGRATIONS } from './index';

describe('migration 0011-request-keys', () => {
  it('adds an empty table of request keys to a database with data, one row per key', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-m11-'));
    const db = new BetterSqlite3(path.join(dir, 'x.db'));
    migrate(db, MIGRATIONS.filter((m) => m.id < 11));
    db.prepare("INSERT INTO clients (denominazione) VALUES ('Rossi Srl')").run();
    migrate(db, MIGRATIONS);
    expect(db.prepare('SELECT COUNT(*) AS n FROM clients').get()).toEqual({ n: 1 });
    expect(db.prepare('SELECT COUNT(*) AS n FROM request_keys').get()).toEqual({ n: 0 });
    const insert = db.prepare("INSERT INTO request_keys (key, kind, args_hash, entity_id, created_at) VALUES ('k-0000000000000001', 'invoice', 'h', 1, '2026-01-01T00:00:00.000Z')");
    insert.run();
    expect(() => insert.run()).toThrow(/UNIQUE/);
    db.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
});
