// Processes killed with SIGKILL at chosen instants: nothing committed is lost, nothing half-applied stays.
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import { describe, expect } from 'vitest';
import { latestSchemaVersion } from '../../src-main/core/db/migrator';
import { faultCase } from './fault-table';

const ROOT = path.resolve(__dirname, '../..');
const CLI = path.join(ROOT, 'bin/openfatture.js');
const tmpDir = () => fs.mkdtempSync(path.join(os.tmpdir(), 'of-fault-'));

/** Spawns a process and resolves once `marker` appears on stdout/stderr (or `count` times). */
function runUntil(args: string[], env: NodeJS.ProcessEnv, marker: RegExp, count = 1): Promise<{ child: ChildProcess; output: () => string }> {
  const child = spawn(process.execPath, args, { cwd: ROOT, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`timed out waiting for ${marker}; output:\n${out.slice(-2000)}`)), 120_000);
    const onData = (b: Buffer) => {
      out += b.toString();
      if ((out.match(new RegExp(marker.source, 'g')) ?? []).length >= count) {
        clearTimeout(timer);
        resolve({ child, output: () => out });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', onData);
    child.on('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`process exited (${code}) before ${marker}; output:\n${out.slice(-2000)}`));
    });
  });
}

function kill9(child: ChildProcess): Promise<void> {
  return new Promise((resolve) => {
    child.removeAllListeners('exit');
    child.on('exit', () => resolve());
    child.kill('SIGKILL');
  });
}

describe('fault injection: processes killed mid-operation', () => {
  faultCase('mid migration (first schema)', async (check) => {
    const dir = tmpDir();
    const { child } = await runUntil([CLI, '--data-dir', dir, 'init-db'], { OPENFATTURE_FAULT: 'migration:0001-initial' }, /paused at migration/);
    await kill9(child);
    const db = new BetterSqlite3(path.join(dir, 'openfatture.db'));
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' AND name = 'invoices'").all();
    const applied = db.prepare('SELECT COUNT(*) AS n FROM schema_migrations').get() as { n: number };
    db.close();
    expect(tables).toEqual([]);
    expect(applied.n).toBe(0);
    check('no invoices table and no migration row after the kill (before state)');
    const again = spawn(process.execPath, [CLI, '--data-dir', dir, 'init-db', '--json'], { cwd: ROOT });
    let out = '';
    again.stdout.on('data', (b) => (out += b));
    await new Promise((r) => again.on('exit', r));
    expect(JSON.parse(out).schemaVersion).toBe(latestSchemaVersion());
    check(`init-db afterwards completes to schema ${latestSchemaVersion()}`);
  });

  faultCase('mid migration (upgrade of a database holding data)', async (check) => {
    if (latestSchemaVersion() < 2) return;
    const dir = tmpDir();
    const file = path.join(dir, 'openfatture.db');
    // A database at schema 1 with data in it.
    const { migrate } = await import('../../src-main/core/db/migrator');
    const { MIGRATIONS } = await import('../../src-main/core/db/migrations/index');
    const seed = new BetterSqlite3(file);
    seed.pragma('journal_mode = WAL');
    migrate(seed, MIGRATIONS.filter((m) => m.id === 1));
    seed.prepare("INSERT INTO clients(denominazione) VALUES ('Prima della migrazione Srl')").run();
    seed.close();
    const second = MIGRATIONS.find((m) => m.id === 2)!;
    const { child } = await runUntil([CLI, '--data-dir', dir, 'init-db'], { OPENFATTURE_FAULT: `migration:${second.name}` }, /paused at migration/);
    await kill9(child);
    const db = new BetterSqlite3(file);
    const version = (db.prepare('SELECT MAX(id) AS v FROM schema_migrations').get() as { v: number }).v;
    const clients = db.prepare('SELECT denominazione FROM clients').all();
    const integrity = db.pragma('integrity_check', { simple: true });
    db.close();
    expect(version).toBe(1);
    expect(clients).toEqual([{ denominazione: 'Prima della migrazione Srl' }]);
    expect(integrity).toBe('ok');
    check(`schema still 1 with its client row after killing ${second.name}; integrity ok`);
  });

  faultCase('mid feedback burst', async (check) => {
    const dir = tmpDir();
    const file = path.join(dir, 'openfatture.db');
    const { child, output } = await runUntil(['--import', 'tsx', path.join(ROOT, 'tests/faults/fixtures/feedback-burst.ts'), file], {}, /ACK \d+\n/, 300);
    await kill9(child);
    const acked = [...output().matchAll(/ACK (\d+)\n/g)].map((m) => Number(m[1]));
    const db = new BetterSqlite3(file);
    const ids = new Set((db.prepare('SELECT id FROM user_feedback').all() as { id: number }[]).map((r) => r.id));
    db.close();
    const missing = acked.filter((id) => !ids.has(id));
    expect(acked.length).toBeGreaterThanOrEqual(300);
    expect(missing).toEqual([]);
    check(`${acked.length} acknowledged feedback rows all present (${ids.size} stored)`);
  });
});
