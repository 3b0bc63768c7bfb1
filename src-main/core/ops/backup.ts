// Backup and restore of a data dir (replaces the seed's backup shell script): a consistent .tar.gz
// with the database (SQLite online backup API, safe while the app runs), model artifacts, the vector
// index, the queue snapshot and the settings store, plus a manifest with checksums and versions.
// Also lists the backups in a folder from their manifests (the GUI's Settings → Data). Restore treats
// the archive as untrusted (restore-archive.ts: allow-list, caps, streaming checks) and keeps the
// data it replaces in .pre-restore/, the last BACKUP_PRE_RESTORE_KEEP copies. Both work in a folder
// inside the data dir (ops-temp.ts).
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import * as tar from 'tar';
import { z } from 'zod';
import type { DataPaths } from '../config/paths';
import { SETTING_DEFS } from '../config/settings';
import { AppError, formatZodIssues, InputError } from '../errors';
import { checkOutputPath, writeOutputAsync } from '../fs/output-path';
import { readInstanceLock } from '../lifespan/instance-lock';
import { currentSchemaVersion, latestSchemaVersion } from '../db/migrator';
import { integrityCheck, tableRowCounts } from '../db/database-maintenance';
import { makeOpsTemp, sweepStaleOpsTemp } from './ops-temp';
import {
  currentRestorableFiles,
  destinationProblem,
  extractArchive,
  quoteEntry,
  RESTORE_CAPS,
  restoreAllowList,
  restorePathProblem,
  RestoreRefusal,
  type RestoreAllowList,
} from './restore-archive';

export const BACKUP_FORMAT = 'openfatture-backup';
export const BACKUP_FORMAT_VERSION = 1;
const DB_NAME = 'openfatture.db';

export interface ManifestFile {
  path: string;
  bytes: number;
  sha256: string;
}

export interface BackupManifest {
  format: typeof BACKUP_FORMAT;
  formatVersion: number;
  appVersion: string;
  createdAt: string;
  schemaVersion: number;
  rowCounts: Record<string, number>;
  files: ManifestFile[];
}

export type OpsProgress = (step: string, current: number, total: number) => void;

/** Tables whose row counts go in the manifest (and are compared after a restore). */
export const COUNTED_TABLES = [
  'clients', 'products', 'invoices', 'invoice_lines', 'payments', 'user_feedback', 'model_prediction_feedback',
  'prediction_log', 'model_versions', 'retraining_runs', 'rag_changes', 'rag_documents',
] as const;

export function sha256File(file: string): string {
  return crypto.createHash('sha256').update(fs.readFileSync(file)).digest('hex');
}

export function rowCounts(sqlite: BetterSqlite3.Database): Record<string, number> {
  return tableRowCounts(sqlite, COUNTED_TABLES);
}

function listFiles(root: string, rel = ''): string[] {
  const dir = path.join(root, rel);
  if (!fs.existsSync(dir)) return [];
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) => {
    const r = path.join(rel, e.name);
    if (e.isDirectory()) return listFiles(root, r);
    return e.isFile() && !e.name.endsWith('.tmp') ? [r] : [];
  });
}

/** The data-dir items a backup holds, relative to the data dir. */
function backupItems(paths: DataPaths): string[] {
  const rel = (p: string) => path.relative(paths.dataDir, p);
  const items = [
    ...listFiles(paths.dataDir, rel(paths.modelsDir)),
    ...listFiles(paths.dataDir, rel(paths.vectorDir)),
  ];
  for (const f of [paths.queuePersistPath, paths.settingsFile]) {
    if (fs.existsSync(f) && !rel(f).startsWith('..')) items.push(rel(f));
  }
  return items;
}

function defaultBackupName(now = new Date()): string {
  const stamp = now.toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  return `openfatture-backup-${stamp}.tar.gz`;
}

const BACKUP_FILE = /\.(tar\.gz|tgz)$/;

/** The folder the GUI writes backups to and lists them from: `backups/` in the data dir. */
export function backupsDir(paths: DataPaths): string {
  return path.join(paths.dataDir, 'backups');
}

/** A timestamped backup file in `dir` that does not exist yet (a second backup in the same second gets -2, -3…). */
export function nextBackupFile(dir: string, now = new Date()): string {
  const base = defaultBackupName(now).replace(BACKUP_FILE, '');
  for (let i = 1; ; i++) {
    const file = path.join(dir, `${base}${i === 1 ? '' : `-${i}`}.tar.gz`);
    if (!fs.existsSync(file)) return file;
  }
}

export interface BackupResult {
  file: string;
  bytes: number;
  manifest: BackupManifest;
}

function newBackupInFolder(paths: DataPaths): string {
  const dir = backupsDir(paths);
  fs.mkdirSync(dir, { recursive: true });
  return nextBackupFile(dir);
}

export async function createBackup(
  sqlite: BetterSqlite3.Database,
  paths: DataPaths,
  options: {
    output?: string;
    appVersion: string;
    progress?: OpsProgress;
    /** Replace an existing output file (never one of the data folder's managed files). */
    force?: boolean;
    /** The flag or argument `output` came from, named in messages (default `--output`, the CLI's). */
    field?: string;
    /** How the caller's user forces a replacement, for the "already exists" message. */
    forceHint?: string;
  },
): Promise<BackupResult> {
  // By default a new file in the data dir's backups folder (where the GUI lists them). An explicit
  // output is checked like every user-named output: never a managed file, never an existing file
  // unless forced, and the archive is committed without replacing anything that appeared meanwhile.
  const outputOptions = { field: options.field ?? '--output', forceHint: options.forceHint };
  const target = checkOutputPath(options.output ?? newBackupInFolder(paths), {
    ...outputOptions,
    extensions: ['.tar.gz', '.tgz'],
    writing: 'a backup',
    paths,
    force: options.force,
  });
  const output = target.file;
  // The staged copy of the database stays in the data dir (0700), never in a shared temp folder.
  sweepStaleOpsTemp(paths.dataDir);
  const stage = makeOpsTemp(paths.dataDir, 'backup');
  try {
    const progress = options.progress ?? (() => undefined);
    // Online backup: a consistent snapshot even while another process writes.
    await sqlite.backup(path.join(stage, DB_NAME), {
      progress: ({ totalPages, remainingPages }) => {
        progress('database', totalPages - remainingPages, totalPages);
        return 200;
      },
    });
    const items = backupItems(paths);
    items.forEach((rel, i) => {
      fs.mkdirSync(path.dirname(path.join(stage, rel)), { recursive: true });
      fs.copyFileSync(path.join(paths.dataDir, rel), path.join(stage, rel));
      progress('files', i + 1, items.length);
    });
    const staged = new BetterSqlite3(path.join(stage, DB_NAME), { readonly: true });
    const manifest: BackupManifest = {
      format: BACKUP_FORMAT,
      formatVersion: BACKUP_FORMAT_VERSION,
      appVersion: options.appVersion,
      createdAt: new Date().toISOString(),
      schemaVersion: currentSchemaVersion(staged),
      rowCounts: rowCounts(staged),
      files: [DB_NAME, ...items].map((rel) => ({
        path: rel.split(path.sep).join('/'),
        bytes: fs.statSync(path.join(stage, rel)).size,
        sha256: sha256File(path.join(stage, rel)),
      })),
    };
    staged.close();
    fs.writeFileSync(path.join(stage, 'manifest.json'), JSON.stringify(manifest, null, 2));
    progress('archive', 0, 1);
    // manifest.json first, so a listing reads it without decompressing the rest.
    await writeOutputAsync(target, outputOptions, (tmp) => tar.c({ gzip: true, file: tmp, cwd: stage, portable: true }, ['manifest.json', DB_NAME, ...items]));
    progress('archive', 1, 1);
    return { file: output, bytes: fs.statSync(target.real).size, manifest };
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

/** Why a manifest cannot be restored by this app, or null when it can. */
function manifestProblem(manifest: BackupManifest): string | null {
  if (!manifest || typeof manifest !== 'object' || manifest.format !== BACKUP_FORMAT) {
    return `not an OpenFatture backup (format "${String((manifest as Partial<BackupManifest> | null)?.format)}")`;
  }
  if (manifest.formatVersion > BACKUP_FORMAT_VERSION) return `made by a newer version (format ${manifest.formatVersion})`;
  if (manifest.schemaVersion > latestSchemaVersion()) return `database schema ${manifest.schemaVersion} is newer than this app supports (${latestSchemaVersion()})`;
  if (typeof manifest.createdAt !== 'string' || !manifest.rowCounts || typeof manifest.rowCounts !== 'object' || !Array.isArray(manifest.files)) {
    return 'manifest.json is incomplete';
  }
  return null;
}

const ManifestFilesSchema = z
  .array(
    z.object({
      path: z.string(),
      bytes: z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER),
      sha256: z.string().regex(/^[0-9a-f]{64}$/, 'expected a SHA-256 in lowercase hex'),
    }),
  )
  .max(RESTORE_CAPS.maxEntries, `a restore accepts at most ${RESTORE_CAPS.maxEntries} files (entry cap)`);

/**
 * The restore's view of an untrusted manifest: the format checks, then every file entry well formed
 * and on the allow-list, the database among them. Throws a RestoreRefusal naming the first bad entry.
 */
function checkManifest(raw: unknown, allow: RestoreAllowList): { manifest: BackupManifest; files: ManifestFile[] } {
  const problem = manifestProblem(raw as BackupManifest);
  if (problem) throw new RestoreRefusal(problem);
  const manifest = raw as BackupManifest;
  const parsed = ManifestFilesSchema.safeParse(manifest.files);
  if (!parsed.success) throw new RestoreRefusal(`manifest.json: ${formatZodIssues(parsed.error.issues, 'files').replace(/^(\d)/, 'files.$1')}`);
  for (const f of parsed.data) {
    const bad = restorePathProblem(f.path, allow);
    if (bad) throw new RestoreRefusal(`manifest entry ${quoteEntry(f.path)} cannot be restored: ${bad}`);
  }
  if (!parsed.data.some((f) => f.path === DB_NAME)) throw new RestoreRefusal(`the manifest does not list ${DB_NAME}`);
  return { manifest: { ...manifest, files: parsed.data }, files: parsed.data };
}

/** Why the data folder cannot take these files now (a link or a non-folder on the way); null when it can. */
function dataDirProblem(paths: DataPaths, manifest: BackupManifest, allow: RestoreAllowList): string | null {
  for (const f of manifest.files) {
    const problem = restorePathProblem(f.path, allow) ?? destinationProblem(paths.dataDir, f.path);
    if (problem) return `manifest entry ${quoteEntry(f.path)} cannot be restored: ${problem}`;
  }
  const safety = path.join(paths.dataDir, SAFETY_DIR);
  if (fs.existsSync(safety) || isLink(safety)) {
    const st = fs.lstatSync(safety);
    if (!st.isDirectory()) return `${SAFETY_DIR} in the data folder is ${st.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}`;
  }
  try {
    currentRestorableFiles(paths.dataDir, allow);
  } catch (e) {
    if (e instanceof RestoreRefusal) return e.message;
    throw e;
  }
  return null;
}

function isLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}

/** A backup extracted to a working folder in the data dir and checked; `discardVerified` removes the folder. */
export interface VerifiedBackup {
  file: string;
  stage: string;
  manifest: BackupManifest;
}

/**
 * Extracts a backup into a working folder inside the data dir (`.tmp/restore-…`, mode 0700) and
 * verifies it as untrusted input: the manifest's format and every entry on the allow-list; only
 * regular files it names, within the caps, each matching its size and checksum; the database's
 * integrity; and a data folder that can take the files (no link on the way). Throws an InputError
 * naming the file and the first problem, after removing the working folder. Progress: step
 * `verify`, a tick for the manifest, one per file, one for the integrity check.
 */
export async function verifyBackup(file: string, paths: DataPaths, progress: OpsProgress = () => undefined): Promise<VerifiedBackup> {
  if (!fs.existsSync(file)) throw new InputError(`file: backup file ${file} does not exist`, 'file');
  if (!fs.statSync(file).isFile()) throw new InputError(`file: ${file} is not a file`, 'file');
  sweepStaleOpsTemp(paths.dataDir);
  const stage = makeOpsTemp(paths.dataDir, 'restore');
  const allow = restoreAllowList(paths);
  progress('verify', 0, 1);
  try {
    const { manifest, files } = await extractArchive(file, stage, allow, (raw) => checkManifest(raw, allow), (current, total) =>
      progress('verify', current, total + 1),
    );
    const db = new BetterSqlite3(path.join(stage, DB_NAME), { readonly: true, fileMustExist: true });
    let integrity: unknown;
    try {
      integrity = integrityCheck(db)[0];
    } catch (e) {
      integrity = (e as Error).message;
    } finally {
      db.close();
    }
    if (integrity !== 'ok') throw new RestoreRefusal(`the database fails its integrity check: ${String(integrity)}`);
    const blocked = dataDirProblem(paths, manifest, allow);
    if (blocked) throw new RestoreRefusal(blocked);
    progress('verify', files.length + 2, files.length + 2);
    return { file, stage, manifest };
  } catch (e) {
    fs.rmSync(stage, { recursive: true, force: true });
    if (e instanceof RestoreRefusal) throw new InputError(`file: ${file}: ${e.message}`, 'file');
    throw e;
  }
}

export function discardVerified(verified: VerifiedBackup): void {
  fs.rmSync(verified.stage, { recursive: true, force: true });
}

/** Reads only the manifest of a backup (the first entry of the archives we write), without verifying files. */
export function readBackupManifest(file: string): Promise<BackupManifest> {
  return new Promise((resolve, reject) => {
    let settled = false;
    const input = fs.createReadStream(file);
    const finish = (err: Error | null, manifest?: BackupManifest) => {
      if (settled) return;
      settled = true;
      input.destroy();
      if (err) reject(err);
      else resolve(manifest!);
    };
    const parser = new tar.Parser({
      strict: true,
      onReadEntry: (entry) => {
        if (entry.path !== 'manifest.json') {
          entry.resume();
          return;
        }
        const chunks: Buffer[] = [];
        entry.on('data', (c: Buffer) => chunks.push(c));
        entry.on('end', () => {
          let manifest: BackupManifest;
          try {
            manifest = JSON.parse(Buffer.concat(chunks).toString('utf8')) as BackupManifest;
          } catch {
            finish(new Error('manifest.json is unreadable'));
            return;
          }
          const problem = manifestProblem(manifest);
          finish(problem ? new Error(problem) : null, manifest);
        });
      },
    });
    parser.on('error', (e: Error) => finish(new Error(`not a readable backup archive: ${e.message}`)));
    parser.on('end', () => finish(new Error('manifest.json is missing')));
    input.on('error', (e) => finish(e));
    input.pipe(parser);
  });
}

export interface BackupListing {
  file: string;
  bytes: number;
  modifiedAt: string;
  manifest: BackupManifest | null;
  /** Why the file is not a usable backup; null when its manifest reads. */
  problem: string | null;
}

/** The .tar.gz/.tgz files in `dir`, newest first, each with its manifest or the reason it has none. */
export async function listBackups(dir: string): Promise<BackupListing[]> {
  if (!fs.existsSync(dir)) return [];
  const files = fs
    .readdirSync(dir, { withFileTypes: true })
    .filter((e) => e.isFile() && BACKUP_FILE.test(e.name))
    .map((e) => path.join(dir, e.name));
  const listed = await Promise.all(
    files.map(async (file): Promise<BackupListing> => {
      const stat = fs.statSync(file);
      const base = { file, bytes: stat.size, modifiedAt: stat.mtime.toISOString() };
      try {
        return { ...base, manifest: await readBackupManifest(file), problem: null };
      } catch (e) {
        return { ...base, manifest: null, problem: (e as Error).message };
      }
    }),
  );
  const when = (b: BackupListing) => b.manifest?.createdAt ?? b.modifiedAt;
  return listed.sort((a, b) => (when(a) < when(b) ? 1 : when(a) > when(b) ? -1 : a.file.localeCompare(b.file)));
}

export interface RestoreResult {
  manifest: BackupManifest;
  safetyCopy: string;
  restoredFiles: number;
  /** Older safety copies removed to keep BACKUP_PRE_RESTORE_KEEP of them. */
  removedSafetyCopies: string[];
}

export interface RestoreOptions {
  progress?: OpsProgress;
  /** Safety copies kept in .pre-restore/, the new one included (BACKUP_PRE_RESTORE_KEEP). */
  keepSafetyCopies?: number;
}

/** Refuses (APP_RUNNING) while another process's app holds the data dir; this process's own lock does not count. */
export function refuseIfAppRunning(paths: DataPaths): void {
  const holder = readInstanceLock(paths.dataDir);
  if (holder) {
    throw new AppError('APP_RUNNING', `Restore refused: OpenFatture (${holder.host}, pid ${holder.pid}) is running on ${paths.dataDir}. Close it first.`);
  }
}

const SAFETY_DIR = '.pre-restore';
/** Safety copy folders are named by the time of the restore (ISO, `:` and `.` as `-`), `-2`… within one millisecond. */
const SAFETY_COPY_NAME = /^(\d{4}-\d{2}-\d{2}T\d{2}-\d{2}-\d{2}-\d{3}Z)(?:-(\d+))?$/;

/** A new, empty safety copy folder in `<data>/.pre-restore/`. */
function newSafetyCopy(dataDir: string, now = new Date()): string {
  const root = path.join(dataDir, SAFETY_DIR);
  try {
    fs.mkdirSync(root, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  if (!fs.lstatSync(root).isDirectory()) throw new Error(`${SAFETY_DIR} in the data folder is not a folder`);
  const stamp = now.toISOString().replace(/[:.]/g, '-');
  for (let i = 1; ; i++) {
    const dir = path.join(root, i === 1 ? stamp : `${stamp}-${i}`);
    try {
      fs.mkdirSync(dir);
      return dir;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
    }
  }
}

/** The safety copies in `<data>/.pre-restore/`, oldest first (only the folders a restore made). */
export function listSafetyCopies(dataDir: string): string[] {
  const root = path.join(dataDir, SAFETY_DIR);
  if (isLink(root) || !fs.existsSync(root)) return [];
  const key = (name: string): [string, number] => {
    const m = SAFETY_COPY_NAME.exec(name)!;
    return [m[1], Number(m[2] ?? 1)];
  };
  return fs
    .readdirSync(root, { withFileTypes: true })
    .filter((e) => e.isDirectory() && SAFETY_COPY_NAME.test(e.name))
    .map((e) => e.name)
    .sort((a, b) => {
      const [ta, na] = key(a);
      const [tb, nb] = key(b);
      return ta < tb ? -1 : ta > tb ? 1 : na - nb;
    })
    .map((name) => path.join(root, name));
}

/** Removes the oldest safety copies beyond `keep`; returns the removed folders. */
export function pruneSafetyCopies(dataDir: string, keep: number): string[] {
  const copies = listSafetyCopies(dataDir);
  const remove = copies.slice(0, Math.max(0, copies.length - keep));
  // rm never follows links: a link inside a copy is removed, not what it points to.
  for (const dir of remove) fs.rmSync(dir, { recursive: true, force: true });
  return remove;
}

const DEFAULT_KEEP = SETTING_DEFS.BACKUP_PRE_RESTORE_KEEP.default;
const abs = (root: string, rel: string) => path.join(root, ...rel.split('/'));

/** Creates the missing folders of `rel`'s parent one level at a time, refusing links; records the ones it made. */
function makeParents(dataDir: string, rel: string, made: string[]): void {
  const segments = rel.split('/').slice(0, -1);
  let cur = dataDir;
  for (const seg of segments) {
    cur = path.join(cur, seg);
    try {
      fs.mkdirSync(cur);
      made.push(cur);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      const st = fs.lstatSync(cur);
      if (!st.isDirectory()) throw new Error(`${path.relative(dataDir, cur)} in the data folder is ${st.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}`);
    }
  }
}

function fsyncDir(dir: string): void {
  try {
    const fd = fs.openSync(dir, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
  } catch {
    /* best effort: some file systems refuse a folder fsync */
  }
}

/**
 * Puts a verified backup's files in place. The data folder is checked again first (no link on the
 * way of any file). The files it replaces are moved to <data>/.pre-restore/<time>/, then the
 * verified files are moved in from the working folder. If anything fails midway, exactly what this
 * restore placed is removed and exactly what it moved is put back, so the data dir is as it was.
 * On success the oldest safety copies beyond `keepSafetyCopies` are removed. Nothing may hold the
 * database open (the caller closed it).
 */
export function applyVerifiedBackup(verified: VerifiedBackup, paths: DataPaths, options: RestoreOptions = {}): RestoreResult {
  const progress = options.progress ?? (() => undefined);
  const { manifest, stage } = verified;
  const dataDir = paths.dataDir;
  const allow = restoreAllowList(paths);
  const blocked = dataDirProblem(paths, manifest, allow);
  if (blocked) throw new AppError('RESTORE_FAILED', `Restore refused, the data is unchanged: ${blocked}`);
  const current = currentRestorableFiles(dataDir, allow);
  const safetyCopy = newSafetyCopy(dataDir);
  const moved: string[] = [];
  const placed: string[] = [];
  const madeDirs: string[] = [];
  try {
    for (const rel of current) {
      const to = abs(safetyCopy, rel);
      fs.mkdirSync(path.dirname(to), { recursive: true });
      fs.renameSync(abs(dataDir, rel), to);
      moved.push(rel);
    }
    const touched = new Set<string>();
    manifest.files.forEach((f, i) => {
      const dest = abs(dataDir, f.path);
      makeParents(dataDir, f.path, madeDirs);
      if (fs.existsSync(dest) || isLink(dest)) throw new Error(`${f.path} appeared in the data folder during the restore`);
      fs.renameSync(abs(stage, f.path), dest);
      placed.push(f.path);
      touched.add(path.dirname(dest));
      progress('files', i + 1, manifest.files.length);
    });
    for (const dir of touched) fsyncDir(dir);
  } catch (e) {
    const stuck: string[] = [];
    for (const rel of placed.reverse()) {
      try {
        fs.unlinkSync(abs(dataDir, rel));
      } catch {
        stuck.push(rel);
      }
    }
    for (const dir of madeDirs.reverse()) {
      try {
        fs.rmdirSync(dir);
      } catch {
        /* not empty: a file of the data as it was is back in it */
      }
    }
    const notBack: string[] = [];
    for (const rel of moved) {
      try {
        fs.renameSync(abs(safetyCopy, rel), abs(dataDir, rel));
      } catch {
        notBack.push(rel);
      }
    }
    if (notBack.length === 0) fs.rmSync(safetyCopy, { recursive: true, force: true });
    const reason = (e as Error).message;
    throw new AppError(
      'RESTORE_FAILED',
      notBack.length === 0 && stuck.length === 0
        ? `Restore failed while replacing files, the data is unchanged: ${reason}`
        : `Restore failed while replacing files (${reason})` +
            (notBack.length ? `; ${notBack.join(', ')} could not be put back and are kept in ${safetyCopy}` : '') +
            (stuck.length ? `; restored ${stuck.join(', ')} could not be removed` : ''),
    );
  }
  const removedSafetyCopies = pruneSafetyCopies(dataDir, options.keepSafetyCopies ?? DEFAULT_KEEP);
  return { manifest, safetyCopy, restoredFiles: manifest.files.length, removedSafetyCopies };
}

/**
 * Replaces the data dir's database, models, index, queue snapshot and settings with the backup's.
 * Refuses while an app holds the data dir. The current data is moved to <data>/.pre-restore/<time>/ first.
 */
export async function restoreBackup(file: string, paths: DataPaths, options: RestoreOptions = {}): Promise<RestoreResult> {
  refuseIfAppRunning(paths);
  const verified = await verifyBackup(path.resolve(file), paths, options.progress);
  try {
    return applyVerifiedBackup(verified, paths, options);
  } finally {
    discardVerified(verified);
  }
}
