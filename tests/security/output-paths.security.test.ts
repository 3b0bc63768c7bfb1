// Attack class: an output path that makes OpenFatture replace a file it did not create — an existing
// file of the user, the live database or another managed file of the data folder (directly, through
// `..`, through a symlinked folder or a symlink named like an export), a name whose extension does not
// match what is written, NUL bytes, over-long names — from the CLI (feedback export, backup) and from
// the renderer (ops:backup / ops:restore take a path only inside the backups folder or granted by the
// host's own file dialog).
import { execFile } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect } from 'vitest';
import { App } from '../../src-main/core/app';
import { loadSettings } from '../../src-main/core/config/load';
import { dataPaths, type DataPaths } from '../../src-main/core/config/paths';
import { openDatabase, type Database } from '../../src-main/core/db/database';
import { InputError } from '../../src-main/core/errors';
import { exportFeedback, type ExportFormat } from '../../src-main/core/feedback/feedback-export';
import { FeedbackService } from '../../src-main/core/feedback/feedback-service';
import { PathGrants } from '../../src-main/core/fs/path-grants';
import { createBackup } from '../../src-main/core/ops/backup';
import { createAppRouter } from '../../src-main/ipc/create-app-router';
import type { HostDialogs } from '../../src-main/ipc/handlers/ops-handlers';
import type { IpcRouter } from '../../src-main/ipc/ipc-router';
import type { IpcResult } from '../../src-preload/contract/result';
import { fuzzRuns, recordFuzz } from '../fuzz/fuzz-counter';
import { securityCase } from './security-case';

const repo = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const bin = path.join(repo, 'bin/openfatture.js');

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

function cli(dataDir: string, args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(
      process.execPath,
      [bin, '--data-dir', dataDir, ...args],
      { cwd: dataDir, env: { ...process.env, OPENFATTURE_LOG_LEVEL: 'warn' }, timeout: 240_000 },
      (err, stdout, stderr) => resolve({ code: err ? ((err as { killed?: boolean }).killed ? -1 : ((err as { code?: number }).code ?? 1)) : 0, stdout, stderr }),
    );
    child.stdin?.end();
  });
}

const sha = (file: string) => crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
const SEED_SUBMIT = ['ai', 'feedback', 'submit', '--agent-type', 'chat', '--input', "What's my revenue this month?", '--response', 'Your revenue is €10,000', '--rating', '3'];

/**
 * Every file, folder and symlink under `root` (symlinks not followed), with file contents hashed.
 * SQLite's shared-memory index is not data, nor is the empty working-folder root (`<data>/.tmp`) a
 * backup leaves behind once its own working folder is removed.
 */
function snapshot(root: string): Map<string, string> {
  const out = new Map<string, string>();
  const walk = (rel: string) => {
    for (const e of fs.readdirSync(path.join(root, rel), { withFileTypes: true })) {
      const r = path.join(rel, e.name);
      const abs = path.join(root, r);
      if (e.isSymbolicLink()) out.set(r, `link:${fs.readlinkSync(abs)}`);
      else if (e.isDirectory() && e.name === '.tmp' && fs.readdirSync(abs).length === 0) continue;
      else if (e.isDirectory()) {
        out.set(r, 'dir');
        walk(r);
      } else out.set(r, e.name.endsWith('-shm') ? 'shm' : sha(abs));
    }
  };
  walk('');
  return out;
}

function changed(before: Map<string, string>, after: Map<string, string>): string[] {
  const keys = new Set([...before.keys(), ...after.keys()]);
  return [...keys].filter((k) => before.get(k) !== after.get(k)).sort();
}

let root: string;

beforeAll(() => {
  root = fs.mkdtempSync(path.join(os.tmpdir(), 'of-sec-out-'));
});

afterAll(() => {
  fs.rmSync(root, { recursive: true, force: true });
});

describe('outputs: the CLI reproductions', () => {
  securityCase('CLI: feedback export --output over an existing file', async (check) => {
    const dir = path.join(root, 'cli-existing');
    fs.mkdirSync(dir);
    expect((await cli(dir, SEED_SUBMIT)).code).toBe(0);
    const mine = path.join(dir, 'report.jsonl');
    fs.writeFileSync(mine, 'my own notes, not an export\n');
    const before = sha(mine);
    const refused = await cli(dir, ['ai', 'feedback', 'export', '--output', mine]);
    expect(refused.code).toBe(2);
    expect(refused.stderr).toContain(`--output: ${mine} already exists; choose another name or add --force to replace it`);
    expect(sha(mine)).toBe(before);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    const forced = await cli(dir, ['ai', 'feedback', 'export', '--output', mine, '--force']);
    expect(forced.code).toBe(0);
    const lines = fs.readFileSync(mine, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as { user_input?: string });
    expect(lines.map((l) => l.user_input)).toEqual(["What's my revenue this month?"]);
    check(`existing ${Buffer.byteLength('my own notes, not an export\n')}-byte file: exit 2 and unchanged without --force; replaced by the 1-record export with --force`);
  });

  securityCase('CLI: --output <data>/openfatture.db --format jsonl, even with --force', async (check) => {
    const dir = path.join(root, 'cli-db');
    fs.mkdirSync(dir);
    expect((await cli(dir, SEED_SUBMIT)).code).toBe(0);
    const db = path.join(dir, 'openfatture.db');
    const wal = `${db}-wal`;
    const before = { db: sha(db), wal: fs.existsSync(wal) ? sha(wal) : null };
    const attempts = [
      ['ai', 'feedback', 'export', '--output', db, '--format', 'jsonl'],
      ['ai', 'feedback', 'export', '--output', db, '--format', 'jsonl', '--force'],
      ['backup', '--output', db, '--force'],
      ['ai', 'feedback', 'export', '--output', wal, '--format', 'jsonl', '--force'],
    ];
    // Two at a time: each is a whole process start on a shared two-core machine.
    const runs: Run[] = [];
    for (let i = 0; i < attempts.length; i += 2) runs.push(...(await Promise.all(attempts.slice(i, i + 2).map((a) => cli(dir, a)))));
    runs.forEach((r, i) => {
      expect({ args: attempts[i], code: r.code }).toEqual({ args: attempts[i], code: 2 });
      expect(r.stderr).toMatch(/--output: .* is the database( journal)? of the data folder .*never writes an output there/);
    });
    expect({ db: sha(db), wal: fs.existsSync(wal) ? sha(wal) : null }).toEqual(before);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
    check(`${attempts.length} commands aimed at the database or its WAL (${attempts.filter((a) => a.includes('--force')).length} with --force): all exit 2 naming the database; openfatture.db and -wal byte-identical (sha256)`);
  });
});

type Writer = 'export' | 'backup';
type Kind =
  | 'managed'
  | 'managed via ..'
  | 'managed via symlinked folder'
  | 'symlink to managed'
  | 'NUL'
  | 'too long'
  | 'wrong extension'
  | 'missing folder'
  | 'folder'
  | 'existing'
  | 'dangling symlink'
  | 'fresh';

interface Case {
  kind: Kind;
  writer: Writer;
  file: string;
  format?: ExportFormat;
  force: boolean;
}

const EXPORT_EXT: Record<ExportFormat, string[]> = { json: ['.json'], jsonl: ['.jsonl', '.ndjson'], csv: ['.csv'], 'openai-chat': ['.jsonl', '.ndjson'] };
const ALL_EXT = ['.json', '.jsonl', '.ndjson', '.csv', '.tar.gz', '.tgz'];

describe('outputs: generated paths', () => {
  let data: string;
  let out: string;
  let paths: DataPaths;
  let database: Database;
  /** The data folder's managed files, relative to it (this test's own list, not the code's). */
  const MANAGED = [
    'openfatture.db',
    'openfatture.db-wal',
    'openfatture.db-shm',
    'settings.json',
    'app.lock',
    '.models/cash_flow/1.0.0.json',
    '.vectors/index.hnsw',
    '.cache/rag_update_queue.json',
    'logs/openfatture.log',
    '.pre-restore/2025-01-01T00-00-00-000Z/openfatture.db',
  ];
  const MANAGED_DIRS = ['.models', '.vectors', '.cache', 'logs', '.pre-restore'];

  const setupOut = () => {
    fs.mkdirSync(out, { recursive: true });
    for (const ext of ALL_EXT) fs.writeFileSync(path.join(out, `mine${ext}`), `the user's own file${ext}`);
    const link = (target: string, name: string) => {
      const p = path.join(out, name);
      try {
        fs.lstatSync(p);
        fs.rmSync(p, { recursive: true, force: true });
      } catch {
        // not there yet
      }
      fs.symlinkSync(target, p);
    };
    link(data, 'data-link');
    link(path.join(data, 'openfatture.db'), 'db.jsonl');
    link(path.join(data, 'settings.json'), 'settings.json');
    link(path.join(data, 'openfatture.db'), 'db.tar.gz');
    link(path.join(out, 'nowhere'), 'dangling.jsonl');
  };

  beforeAll(() => {
    data = path.join(root, 'gen-data');
    out = path.join(root, 'gen-out');
    paths = dataPaths(data);
    database = openDatabase(paths.database);
    const svc = new FeedbackService(database.sqlite, () => ({ AI_FEEDBACK_ENABLED: true, ML_TOLERANCE_DAYS: 7 }));
    svc.recordChat({ agentType: 'chat', input: 'Fatturato di marzo?', response: '12.500 €', correction: '13.100 € con le note di credito', rating: 2 });
    svc.recordPrediction({ model: 'cash_flow', prediction: '{"days": 30}', actual: '{"days": 41}', accurate: false });
    for (const rel of MANAGED.filter((m) => !m.startsWith('openfatture.db'))) {
      fs.mkdirSync(path.dirname(path.join(data, rel)), { recursive: true });
      fs.writeFileSync(path.join(data, rel), `managed ${rel}`);
    }
    fs.mkdirSync(path.join(data, 'backups'), { recursive: true });
    setupOut();
  });

  afterAll(async () => {
    await database?.close();
  });

  const caseArb = (): fc.Arbitrary<Case> => {
    const writer = fc.constantFrom<Writer>('export', 'backup');
    const format = fc.option(fc.constantFrom<ExportFormat>('json', 'jsonl', 'csv', 'openai-chat'), { nil: undefined });
    const force = fc.boolean();
    const anyExt = fc.constantFrom('', ...ALL_EXT);
    const managedRel = fc.oneof(
      fc.constantFrom(...MANAGED).chain((m) => anyExt.map((ext) => (m.startsWith('.pre-restore') || m.startsWith('.models') ? `${m}${ext}` : m))),
      fc.constantFrom(...MANAGED_DIRS).chain((d) => fc.constantFrom(...ALL_EXT).map((ext) => `${d}/new-file${ext}`)),
    );
    const name = fc.stringMatching(/^[a-zA-Z0-9_-]{1,24}$/);
    return fc
      .record({ writer, format, force, n: name })
      .chain(({ writer, format, force, n }) => {
        const okExt = writer === 'backup' ? ['.tar.gz', '.tgz'] : format ? EXPORT_EXT[format] : ['.json', '.jsonl', '.ndjson', '.csv'];
        const good = fc.constantFrom(...okExt);
        const bad = fc.constantFrom('.txt', '.db', '.sqlite', '.json.exe', '', '.gz', ...ALL_EXT.filter((e) => !okExt.includes(e)));
        const c = (kind: Kind, file: fc.Arbitrary<string>) => file.map((f): Case => ({ kind, writer, file: f, format: writer === 'export' ? format : undefined, force }));
        return fc.oneof(
          c('managed', managedRel.map((r) => path.join(data, r))),
          c('managed via ..', managedRel.map((r) => `${out}/sub/../../${path.basename(data)}/backups/../${r}`)),
          c('managed via symlinked folder', managedRel.map((r) => path.join(out, 'data-link', r))),
          c('symlink to managed', fc.constantFrom('db.jsonl', 'settings.json', 'db.tar.gz').map((f) => path.join(out, f))),
          c('NUL', good.map((e) => path.join(out, `${n}\0x${e}`))),
          c('too long', fc.constantFrom(`${'a'.repeat(300)}`, `${'d/'.repeat(2100)}x`).chain((s) => good.map((e) => path.join(out, `${s}${e}`)))),
          c('wrong extension', bad.map((e) => path.join(out, `${n}${e}`))),
          c('missing folder', good.map((e) => path.join(out, 'missing', `${n}${e}`))),
          c('folder', fc.constantFrom(out, `${out}/`, path.join(data, 'backups'))),
          c('existing', good.map((e) => path.join(out, `mine${e}`))),
          c('dangling symlink', fc.constant(path.join(out, 'dangling.jsonl'))),
          c('fresh', fc.tuple(good, fc.constantFrom(out, data, path.join(data, 'backups'))).map(([e, d]) => path.join(d, `${n}-${crypto.randomUUID().slice(0, 8)}${e}`))),
        );
      });
  };

  /** Whether a case may be written at all: the expected outcome, from the case alone. */
  function mayWrite(c: Case): boolean {
    const okExt = c.writer === 'backup' ? ['.tar.gz', '.tgz'] : c.format ? EXPORT_EXT[c.format] : ['.json', '.jsonl', '.ndjson', '.csv'];
    const extOk = okExt.some((e) => c.file.toLowerCase().endsWith(e));
    if (c.kind === 'existing') return c.force;
    if (c.kind === 'dangling symlink') return c.force && extOk;
    if (c.kind === 'fresh') return true;
    return false;
  }

  securityCase('generated output paths (fast-check): refused with nothing written, or a new file outside the managed set', async (check) => {
    const runs = fuzzRuns(300);
    const managedReal = [...MANAGED.map((m) => path.join(fs.realpathSync(data), m))];
    const managedDirsReal = MANAGED_DIRS.map((d) => path.join(fs.realpathSync(data), d));
    const outcome = new Map<Kind, { refused: number; written: number }>();
    let replaced = 0;
    let cases = 0;
    await fc.assert(
      fc.asyncProperty(caseArb(), async (c) => {
        cases++;
        const before = snapshot(root);
        let written: string | null = null;
        let error: unknown = null;
        try {
          if (c.writer === 'export') {
            written = exportFeedback(database.sqlite, { output: c.file, format: c.format, force: c.force, paths }).file;
          } else {
            written = (await createBackup(database.sqlite, paths, { output: c.file, force: c.force, field: 'output', appVersion: '0.0.0-sec' })).file;
          }
        } catch (e) {
          error = e;
        }
        const after = snapshot(root);
        const tally = outcome.get(c.kind) ?? { refused: 0, written: 0 };
        outcome.set(c.kind, tally);
        const label = `${c.writer} ${JSON.stringify(c.file).slice(0, 160)} format=${c.format} force=${c.force}`;
        if (error) {
          tally.refused++;
          expect(error, `${label}: ${(error as Error).message}`).toBeInstanceOf(InputError);
          expect((error as Error).message, label).toMatch(/^output: \S/);
          expect(changed(before, after), label).toEqual([]);
          expect(mayWrite(c), `${label} was refused: ${(error as Error).message}`).toBe(false);
          return;
        }
        tally.written++;
        expect(mayWrite(c), `${label} was written`).toBe(true);
        const real = fs.realpathSync(written!);
        expect(managedReal.includes(real) || managedDirsReal.some((d) => real.startsWith(d + path.sep)), `${label} wrote managed ${real}`).toBe(false);
        // Exactly one entry changed: the output itself (no temp file left, nothing else touched).
        const rel = path.relative(root, real);
        expect(changed(before, after), label).toEqual([rel]);
        if (before.has(rel)) replaced++;
        fs.rmSync(real, { force: true });
        setupOut();
      }),
      { numRuns: runs },
    );
    const rows = [...outcome.entries()].sort(([a], [b]) => a.localeCompare(b));
    for (const kind of ['managed', 'managed via ..', 'managed via symlinked folder', 'symlink to managed', 'NUL', 'too long', 'wrong extension'] as Kind[]) {
      expect(outcome.get(kind)?.written ?? 0, kind).toBe(0);
    }
    // The generator reached every kind, and the allowed ones were written.
    expect(rows.length).toBe(12);
    expect(outcome.get('fresh')!.written).toBeGreaterThan(0);
    recordFuzz('output paths', cases);
    const refusedManaged = rows.filter(([k]) => k.includes('managed')).reduce((n, [, t]) => n + t.refused, 0);
    check(
      `${cases} generated paths over feedback export and backup: ${rows.reduce((n, [, t]) => n + t.refused, 0)} refused with nothing changed ` +
        `(${refusedManaged} aimed at managed files, directly, via .. or symlinks), ${rows.reduce((n, [, t]) => n + t.written, 0)} written as one new file ` +
        `(${replaced} forced replacements of the user's own files); 0 managed files touched`,
    );
  });
});

describe('outputs: the queue snapshot path', () => {
  securityCase('QUEUE_PERSIST_PATH aimed at the database: settings:set refused, a running app neither sets it aside nor writes it', async (check) => {
    const dir = path.join(root, 'snapshot-data');
    fs.mkdirSync(dir);
    const db = path.join(dir, 'openfatture.db');
    // From the settings panel: refused before it is stored.
    const plain = await App.open({ settings: loadSettings({ env: {}, cwd: dir, flags: { DATA_DIR: dir } }), host: 'test', consoleLevel: 'silent' });
    const r = createAppRouter(plain, { version: '0.0.0-sec' });
    plain.database.sqlite.prepare("INSERT INTO clients (denominazione) VALUES ('Rossi Srl')").run();
    const refused: string[] = [];
    for (const value of ['openfatture.db', 'settings.json', db, '.models/cash_flow/1.0.0.json', 'queue.txt']) {
      const res = await r.invoke('settings:set', { key: 'RAG_AUTO_UPDATE_QUEUE_PERSIST_PATH', value });
      expect(res, value).toMatchObject({ ok: false, error: { code: 'BAD_INPUT', message: expect.stringMatching(/^value: OPENFATTURE_RAG_AUTO_UPDATE_QUEUE_PERSIST_PATH: /) } });
      refused.push(value);
    }
    expect(fs.existsSync(path.join(dir, 'settings.json'))).toBe(false);
    r.dispose();
    await plain.close();
    // From the environment, with auto-update on: the app starts and stops without touching the database file.
    const env = { OPENFATTURE_RAG_AUTO_UPDATE_ENABLED: 'true', OPENFATTURE_RAG_AUTO_UPDATE_QUEUE_PERSIST_PATH: 'openfatture.db' };
    const running = await App.open({ settings: loadSettings({ env, cwd: dir, flags: { DATA_DIR: dir } }), host: 'test', background: true, consoleLevel: 'silent' });
    expect(running.autoIndexing).toBeTruthy();
    await running.close();
    expect(fs.readdirSync(dir).filter((f) => f.includes('corrupt'))).toEqual([]);
    const reopened = openDatabase(db);
    const clients = (reopened.sqlite.prepare('SELECT denominazione FROM clients').all() as { denominazione: string }[]).map((c) => c.denominazione);
    await reopened.close();
    expect(clients).toEqual(['Rossi Srl']);
    check(`${refused.length} snapshot paths from the settings panel (the database, settings.json, a model artifact, a non-.json name) → BAD_INPUT; started and stopped with the snapshot path on the database: no file set aside, the client row still there`);
  });
});

describe('outputs: paths from the renderer', () => {
  let dir: string;
  let app: App;
  let router: IpcRouter;
  let dialogRouter: IpcRouter;
  const picks: { save: string | null; open: string | null } = { save: null, open: null };
  /** A scripted user at the host's file dialogs: the desktop host's dialogs cannot open on this machine. */
  const dialogs: HostDialogs = {
    chooseSaveFile: async () => picks.save,
    chooseOpenFile: async () => picks.open,
  };
  let grantTime = 0;
  const grants = new PathGrants(60_000, () => grantTime);

  beforeAll(async () => {
    dir = path.join(root, 'ipc-data');
    fs.mkdirSync(dir);
    app = await App.open({ settings: loadSettings({ env: {}, cwd: dir, flags: { DATA_DIR: dir } }), host: 'test', consoleLevel: 'silent' });
    router = createAppRouter(app, { version: '0.0.0-sec' });
    dialogRouter = createAppRouter(app, { version: '0.0.0-sec', dialogs, grants });
  }, 60_000);

  afterAll(async () => {
    router.dispose();
    dialogRouter.dispose();
    await app.close();
  });

  const failure = (r: IpcResult<unknown>) => (r.ok ? null : r.error);

  securityCase('renderer paths outside the backups folder and not granted (fast-check)', async (check) => {
    const backups = path.join(dir, 'backups');
    const made = await router.invoke('ops:backup', {});
    expect(made.ok).toBe(true);
    const real = (made as { ok: true; value: { file: string } }).value.file;
    const elsewhere = path.join(root, 'ipc-elsewhere');
    fs.mkdirSync(elsewhere, { recursive: true });
    fs.copyFileSync(real, path.join(elsewhere, 'copy.tar.gz'));
    // A symlink inside the backups folder pointing out of it, and a symlinked folder inside it.
    fs.symlinkSync(path.join(elsewhere, 'copy.tar.gz'), path.join(backups, 'link-out.tar.gz'));
    fs.symlinkSync(elsewhere, path.join(backups, 'dir-out'));
    const outside = fc.oneof(
      fc.constantFrom(
        path.join(elsewhere, 'copy.tar.gz'),
        path.join(elsewhere, 'new.tar.gz'),
        path.join(dir, 'openfatture.tar.gz'),
        path.join(backups, '..', 'x.tar.gz'),
        path.join(backups, 'link-out.tar.gz'),
        path.join(backups, 'dir-out', 'copy.tar.gz'),
        path.join(backups, 'dir-out', 'new.tar.gz'),
        `${backups}-evil/x.tar.gz`,
        path.join(os.tmpdir(), 'x.tar.gz'),
      ),
      fc.stringMatching(/^[a-z0-9]{1,12}$/).map((s) => path.join(elsewhere, `${s}.tar.gz`)),
    );
    const channel = fc.constantFrom('ops:backup' as const, 'ops:restore' as const);
    const runs = fuzzRuns(200);
    let cases = 0;
    const before = snapshot(root);
    await fc.assert(
      fc.asyncProperty(channel, outside, async (ch, file) => {
        cases++;
        const r = ch === 'ops:backup' ? await router.invoke(ch, { output: file }) : await router.invoke(ch, { file });
        expect(failure(r), `${ch} ${file}`).toMatchObject({ code: 'FORBIDDEN', message: expect.stringMatching(ch === 'ops:backup' ? /^output: / : /^file: /) });
      }),
      { numRuns: runs },
    );
    expect(changed(before, snapshot(root)).filter((k) => !k.endsWith('-shm'))).toEqual([]);
    recordFuzz('renderer paths', cases);
    check(`${cases} ops:backup/ops:restore calls with paths outside the backups folder (.., symlinks out of it, look-alike folder): all FORBIDDEN naming the field, no file created or read into the app`);
  });

  securityCase('host dialog grants: one use, in one mode, before they expire', async (check) => {
    const elsewhere = path.join(root, 'ipc-granted');
    fs.mkdirSync(elsewhere, { recursive: true });
    const target = path.join(elsewhere, 'chosen.tar.gz');
    // Without dialogs (the browser host) the choose channels are unsupported.
    expect(failure(await router.invoke('ops:chooseBackupFile', {}))).toMatchObject({ code: 'UNSUPPORTED' });
    // A path granted for saving works once.
    picks.save = target;
    const chosen = await dialogRouter.invoke('ops:chooseBackupFile', {});
    expect(chosen).toEqual({ ok: true, value: { file: target } });
    // …not for opening, and not through another router without the grant registry.
    expect(failure(await dialogRouter.invoke('ops:restore', { file: target }))).toMatchObject({ code: 'FORBIDDEN' });
    const saved = await dialogRouter.invoke('ops:backup', { output: target });
    expect(saved.ok, JSON.stringify(saved)).toBe(true);
    expect(fs.existsSync(target)).toBe(true);
    const bytes = sha(target);
    expect(failure(await dialogRouter.invoke('ops:backup', { output: target }))).toMatchObject({ code: 'FORBIDDEN' });
    // A grant to save over a link to the database (the dialog's "replace?" answered yes) is still refused by the output check.
    const db = path.join(dir, 'openfatture.db');
    const link = path.join(elsewhere, 'db-link.tar.gz');
    fs.symlinkSync(db, link);
    picks.save = link;
    const dbBefore = sha(db);
    expect((await dialogRouter.invoke('ops:chooseBackupFile', {})).ok).toBe(true);
    expect(failure(await dialogRouter.invoke('ops:backup', { output: link }))).toMatchObject({ code: 'BAD_INPUT', message: expect.stringContaining('is the database') });
    expect(sha(db)).toBe(dbBefore);
    // An open grant expires.
    picks.open = target;
    expect((await dialogRouter.invoke('ops:chooseRestoreFile', {})).ok).toBe(true);
    grantTime += 60_001;
    expect(failure(await dialogRouter.invoke('ops:restore', { file: target }))).toMatchObject({ code: 'FORBIDDEN' });
    expect(sha(target)).toBe(bytes);
    // Cancelling the dialog grants nothing.
    picks.open = null;
    expect(await dialogRouter.invoke('ops:chooseRestoreFile', {})).toEqual({ ok: true, value: { file: null } });
    expect(grants.size).toBe(0);
    check('a dialog-chosen file: writable once (a 2nd backup to it FORBIDDEN), not readable with a save grant, an open grant expired after 60 s is FORBIDDEN, a granted link to openfatture.db still BAD_INPUT with the database byte-identical');
  });
});
