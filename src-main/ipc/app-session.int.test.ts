// Backup and restore through the IPC channels of a running browser-host session (real App, SQLite in
// a temp data dir, the worker and the instance lock): backup → add an invoice → restore via
// ops:restore gives back the backup's rows on a reopened App; other requests meanwhile get
// RESTORE_IN_PROGRESS; a tampered archive or another process on the data dir is refused and changes
// nothing; when the restored data cannot be opened the user is told and the safety copy is kept.
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import * as tar from 'tar';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadSettings } from '../core/config/load';
import { LOCK_FILE } from '../core/lifespan/instance-lock';
import { rowCounts } from '../core/ops/backup';
import type { Channel, ChannelArgs, ChannelResult } from '../../src-preload/contract/channels';
import type { EventName } from '../../src-preload/contract/push-events';
import type { IpcResult } from '../../src-preload/contract/result';
import { AppSession } from './app-session';
import { callChannel } from './testing/call-channel';

let dir: string;
let session: AppSession;
const pushes: { event: EventName; payload: unknown }[] = [];

const call = <C extends Channel>(channel: C, args: ChannelArgs<C>): Promise<ChannelResult<C>> => callChannel(session, channel, args);

const failure = (r: IpcResult<unknown>) => (r.ok ? null : r.error);

async function addInvoice(description: string): Promise<number> {
  const client = (await call('clients:list', { limit: 1 })).items[0]!;
  const created = await call('invoices:create', { clientId: client.id, issueDate: '2025-05-02', lines: [{ description, quantity: 1, unitPriceCents: 12_345, vatRate: 22 }] });
  return created.id;
}

const invoiceIds = async () => (await call('invoices:list', { limit: 1000 })).items.map((i) => i.id);

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-session-'));
  // The browser host's shape: it owns the data dir (app.lock) and runs its background services.
  const settings = loadSettings({ env: {}, cwd: dir, flags: { DATA_DIR: dir } });
  session = await AppSession.open({ settings, host: 'serve', background: true, consoleLevel: 'silent' }, { version: '9.9.9-test' });
  session.onEvent((event, payload) => pushes.push({ event, payload }));
  const sqlite = session.app.database.sqlite;
  sqlite.prepare("INSERT INTO clients (denominazione, partita_iva) VALUES ('Rossi Srl', '01234567897'), ('Bianchi SpA', '12345678903')").run();
  sqlite.prepare("INSERT INTO user_feedback (agent_type, user_input, ai_response, rating) VALUES ('chat', 'q', 'a', 4)").run();
  for (let i = 1; i <= 3; i++) await addInvoice(`Consulenza ${i}`);
}, 60_000);

afterAll(async () => {
  await session?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('backup and restore through the IPC channels', () => {
  it('backup → add an invoice → restore: the backup’s rows are back, the invoice is gone, the app runs on the restored data', async () => {
    const before = rowCounts(session.app.database.sqlite);
    const idsBefore = await invoiceIds();
    await call('settings:set', { key: 'RAG_AUTO_UPDATE_BATCH_SIZE', value: 20 });
    const backup = await call('ops:backup', {});
    expect(path.dirname(backup.file)).toBe(path.join(dir, 'backups'));
    expect(backup.counts).toEqual({ invoices: 3, clients: 2, feedback: 1 });
    expect(backup.appVersion).toBe('9.9.9-test');
    expect(pushes.some((p) => p.event === 'ops:progress' && (p.payload as { operation: string }).operation === 'backup')).toBe(true);
    const listed = await call('ops:listBackups', {});
    expect(listed.items.map((b) => b.file)).toEqual([backup.file]);
    expect(listed.items[0]).toMatchObject({ counts: backup.counts, unreadable: null, schemaVersion: expect.any(Number) });

    const added = await addInvoice('Fattura dopo il backup');
    await call('settings:set', { key: 'RAG_AUTO_UPDATE_BATCH_SIZE', value: 70 });
    expect(await invoiceIds()).toContain(added);
    const oldApp = session.app;
    pushes.length = 0;

    const restoring = session.invoke('ops:restore', { file: backup.file });
    // While it runs, any other request is refused instead of touching a closed database.
    expect(failure(await session.invoke('invoices:list', {}))).toMatchObject({ code: 'RESTORE_IN_PROGRESS' });
    const r = await restoring;
    if (!r.ok) throw new Error(`${r.error.code}: ${r.error.message}`);
    const report = r.value as ChannelResult<'ops:restore'>;

    expect(report.mismatched).toEqual([]);
    expect(report.rowCounts).toEqual(before);
    expect(report.counts).toEqual({ invoices: 3, clients: 2, feedback: 1 });
    expect(fs.existsSync(path.join(report.safetyCopy, 'openfatture.db'))).toBe(true);
    expect(session.app).not.toBe(oldApp);
    expect(oldApp.database.sqlite.open).toBe(false);
    expect(rowCounts(session.app.database.sqlite)).toEqual(before);
    expect(await invoiceIds()).toEqual(idsBefore);
    // The settings store came back with the backup and applies to the reopened app.
    expect((await call('settings:get', {})).settings.find((x) => x.key === 'RAG_AUTO_UPDATE_BATCH_SIZE')).toMatchObject({ value: 20, source: 'store' });
    expect(session.app.settings.RAG_AUTO_UPDATE_BATCH_SIZE).toBe(20);
    // The reopened app owns the data dir again (this process's pid in app.lock).
    expect(JSON.parse(fs.readFileSync(path.join(dir, LOCK_FILE), 'utf8'))).toMatchObject({ pid: process.pid, host: 'serve' });
    const steps = pushes.filter((p) => p.event === 'ops:progress').map((p) => (p.payload as { step: string }).step);
    expect([...new Set(steps)]).toEqual(['verify', 'stop', 'files', 'reopen']);
    expect(pushes.find((p) => p.event === 'ops:restored')?.payload).toEqual({ file: backup.file, counts: report.counts });
    // And it keeps working: a new invoice is written to the restored database.
    const after = await addInvoice('Dopo il ripristino');
    expect(await invoiceIds()).toContain(after);
  });

  it('refuses a tampered archive with the reason and changes nothing', async () => {
    const backup = await call('ops:backup', {});
    const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'of-tamper-'));
    await tar.x({ file: backup.file, cwd: stage });
    const db = path.join(stage, 'openfatture.db');
    fs.appendFileSync(db, Buffer.from('tampered'));
    const bad = path.join(dir, 'backups', 'tampered.tar.gz');
    await tar.c({ gzip: true, file: bad, cwd: stage }, fs.readdirSync(stage));
    fs.rmSync(stage, { recursive: true, force: true });
    const app = session.app;
    const counts = rowCounts(app.database.sqlite);

    const r = await session.invoke('ops:restore', { file: bad });
    expect(failure(r)).toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('checksum mismatch for openfatture.db') });
    expect(session.app).toBe(app);
    expect(app.database.sqlite.open).toBe(true);
    expect(rowCounts(app.database.sqlite)).toEqual(counts);
    // A file that is not a backup at all is listed as unreadable, with the reason.
    fs.writeFileSync(path.join(dir, 'backups', 'notes.tar.gz'), 'not an archive');
    const listed = await call('ops:listBackups', {});
    expect(listed.items.find((b) => b.name === 'notes.tar.gz')).toMatchObject({ counts: null, unreadable: expect.stringMatching(/not a readable backup archive|manifest/) });
    expect(listed.items.find((b) => b.name === 'tampered.tar.gz')?.unreadable).toBeNull();
  });

  it('refuses while another process holds app.lock (APP_RUNNING) and changes nothing', async () => {
    const backup = await call('ops:backup', {});
    const lockFile = path.join(dir, LOCK_FILE);
    const ours = fs.readFileSync(lockFile, 'utf8');
    const invoice = await addInvoice('Con un’altra app aperta');
    fs.writeFileSync(lockFile, JSON.stringify({ pid: process.ppid, host: 'electron', startedAt: new Date().toISOString() }));
    try {
      const r = await session.invoke('ops:restore', { file: backup.file });
      expect(failure(r)).toMatchObject({ code: 'APP_RUNNING', message: expect.stringMatching(/Restore refused: OpenFatture \(electron, pid \d+\) is running/) });
      expect(await invoiceIds()).toContain(invoice);
    } finally {
      fs.writeFileSync(lockFile, ours);
    }
  });

  it('bad arguments name the field and write nothing; paths outside the backups folder are refused', async () => {
    const backups = path.join(dir, 'backups');
    fs.mkdirSync(path.join(backups, 'a-folder.tar.gz'), { recursive: true });
    const before = fs.readdirSync(backups).sort();
    const existing = before.find((f) => f.startsWith('openfatture-backup-'))!;
    const cases: [Channel, unknown, string, string][] = [
      ['ops:backup', { output: 'relative.tar.gz' }, 'BAD_INPUT', 'output: expected an absolute path'],
      ['ops:backup', { output: path.join(backups, 'backup.zip') }, 'BAD_INPUT', 'output: the backup file must end in .tar.gz or .tgz'],
      ['ops:backup', { output: path.join(backups, 'missing-folder', 'b.tar.gz') }, 'BAD_INPUT', 'output: folder'],
      ['ops:backup', { output: path.join(backups, existing) }, 'BAD_INPUT', 'already exists'],
      ['ops:backup', { output: path.join(dir, 'elsewhere.tar.gz') }, 'FORBIDDEN', 'output: '],
      ['ops:restore', { file: 'b.tar.gz' }, 'BAD_INPUT', 'file: expected an absolute path'],
      ['ops:restore', { file: path.join(backups, 'nope.tar.gz') }, 'BAD_INPUT', 'file: backup file'],
      ['ops:restore', { file: path.join(backups, 'a-folder.tar.gz') }, 'BAD_INPUT', 'is not a file'],
      ['ops:restore', { file: path.join(dir, 'nope.tar.gz') }, 'FORBIDDEN', 'is not in the backups folder'],
      ['ops:restore', { file: dir }, 'FORBIDDEN', 'file: '],
      ['ops:restore', {}, 'BAD_INPUT', 'file:'],
      // The browser host has no file dialog to grant a path with.
      ['ops:chooseRestoreFile', {}, 'UNSUPPORTED', 'backups folder'],
      ['ops:chooseBackupFile', {}, 'UNSUPPORTED', 'backups folder'],
    ];
    for (const [channel, args, code, message] of cases) {
      const error = failure(await session.invoke(channel, args));
      expect(error, `${channel} ${JSON.stringify(args)}`).toMatchObject({ code, message: expect.stringContaining(message) });
    }
    expect(fs.readdirSync(backups).sort()).toEqual(before);
    expect(fs.existsSync(path.join(dir, 'elsewhere.tar.gz'))).toBe(false);
    fs.rmdirSync(path.join(backups, 'a-folder.tar.gz'));
  });

  it('when the restored data cannot be opened: the user is told, the safety copy is kept, requests get APP_STOPPED', async () => {
    // A settings store with a value this app refuses, taken into a backup (checksums are fine).
    const store = path.join(dir, 'settings.json');
    fs.writeFileSync(store, JSON.stringify({ RAG_AUTO_UPDATE_BATCH_SIZE: -5 }));
    const backup = await call('ops:backup', {});
    fs.rmSync(store);
    const r = await session.invoke('ops:restore', { file: backup.file });
    const error = failure(r);
    expect(error).toMatchObject({ code: 'REOPEN_FAILED', message: expect.stringContaining('could not start on it') });
    const safetyCopy = /kept in (\S+)\. Restart/.exec(error!.message)![1]!;
    expect(fs.existsSync(path.join(safetyCopy, 'openfatture.db'))).toBe(true);
    expect(failure(await session.invoke('invoices:list', {}))).toMatchObject({ code: 'APP_STOPPED', message: expect.stringContaining(safetyCopy) });
    // Nothing holds the data dir any more, so the user (or the CLI) can restore that copy.
    expect(fs.existsSync(path.join(dir, LOCK_FILE))).toBe(false);
  });
});
