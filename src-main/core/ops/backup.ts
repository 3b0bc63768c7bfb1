// Backup and restore of a data dir (replaces the seed's backup shell script): a consistent .tar.gz
// with the database (SQLite online backup API, safe while the app runs), model artifacts, the vector
// index, the queue snapshot and the settings store, plus a manifest with checksums and versions.
// Also lists the backups in a folder from their manifests (the GUI's Settings → Data).
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import * as tar from 'tar';
import type { DataPaths } from '../config/paths';
import { AppError, InputError } from '../errors';
import { checkOutputPath, writeOutputAsync } from '../fs/output-path';
import { readInstanceLock } from '../lifespan/instance-lock';
import { currentSchemaVersion, latestSchemaVersion } from '../db/migrator';

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
  return Object.fromEntries(
    COUNTED_TABLES.map((t) => [t, (sqlite.prepare(`SELECT COUNT(*) AS n FROM ${t}`).get() as { n: number }).n]),
  );
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
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'openfatture-backup-'));
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

/** A backup extracted to a temporary folder and checked; `discardVerified` removes the folder. */
export interface VerifiedBackup {
  file: string;
  stage: string;
  manifest: BackupManifest;
}

/**
 * Extracts a backup to a temporary folder and verifies its manifest, every file's size and checksum
 * and the database's integrity; throws naming the first problem. Progress: step `verify`, one tick
 * for the extraction, one per file, one for the integrity check.
 */
export async function verifyBackup(file: string, progress: OpsProgress = () => undefined): Promise<VerifiedBackup> {
  if (!fs.existsSync(file)) throw new InputError(`file: backup file ${file} does not exist`, 'file');
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'openfatture-restore-'));
  progress('verify', 0, 1);
  try {
    await tar.x({ file, cwd: stage, strict: true });
  } catch (e) {
    fs.rmSync(stage, { recursive: true, force: true });
    throw new InputError(`file: ${file} is not a readable backup archive: ${(e as Error).message}`, 'file');
  }
  const fail = (msg: string): never => {
    fs.rmSync(stage, { recursive: true, force: true });
    throw new InputError(`${file}: ${msg}`, 'file');
  };
  let manifest: BackupManifest;
  try {
    manifest = JSON.parse(fs.readFileSync(path.join(stage, 'manifest.json'), 'utf8')) as BackupManifest;
  } catch {
    return fail('manifest.json is missing or unreadable');
  }
  const problem = manifestProblem(manifest);
  if (problem) fail(problem);
  const total = manifest.files.length + 2;
  progress('verify', 1, total);
  manifest.files.forEach((f, i) => {
    const p = path.join(stage, f.path);
    if (!fs.existsSync(p)) fail(`${f.path} is listed in the manifest but missing`);
    if (fs.statSync(p).size !== f.bytes || sha256File(p) !== f.sha256) fail(`checksum mismatch for ${f.path}`);
    progress('verify', i + 2, total);
  });
  const db = new BetterSqlite3(path.join(stage, DB_NAME), { readonly: true });
  const integrity = db.pragma('integrity_check', { simple: true });
  db.close();
  if (integrity !== 'ok') fail(`the database fails its integrity check: ${String(integrity)}`);
  progress('verify', total, total);
  return { file, stage, manifest };
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
}

/** Refuses (APP_RUNNING) while another process's app holds the data dir; this process's own lock does not count. */
export function refuseIfAppRunning(paths: DataPaths): void {
  const holder = readInstanceLock(paths.dataDir);
  if (holder) {
    throw new AppError('APP_RUNNING', `Restore refused: OpenFatture (${holder.host}, pid ${holder.pid}) is running on ${paths.dataDir}. Close it first.`);
  }
}

/**
 * Puts a verified backup's files in place. The current data is moved to <data>/.pre-restore/<time>/
 * first. If anything fails midway, the files already placed are removed and the moved ones put back,
 * so the data dir is as it was. Nothing may hold the database open (the caller closed it).
 */
export function applyVerifiedBackup(verified: VerifiedBackup, paths: DataPaths, progress: OpsProgress = () => undefined): RestoreResult {
  const { manifest, stage } = verified;
  const safetyCopy = path.join(paths.dataDir, '.pre-restore', new Date().toISOString().replace(/[:.]/g, '-'));
  const moved: string[] = [];
  const placed: string[] = [];
  try {
    fs.mkdirSync(safetyCopy, { recursive: true });
    const current = [DB_NAME, `${DB_NAME}-wal`, `${DB_NAME}-shm`, ...backupItems(paths)];
    for (const rel of current) {
      const src = path.join(paths.dataDir, rel);
      if (!fs.existsSync(src)) continue;
      fs.mkdirSync(path.dirname(path.join(safetyCopy, rel)), { recursive: true });
      fs.renameSync(src, path.join(safetyCopy, rel));
      moved.push(rel);
    }
    manifest.files.forEach((f, i) => {
      const dest = path.join(paths.dataDir, f.path);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      const tmp = `${dest}.restore.tmp`;
      fs.copyFileSync(path.join(stage, f.path), tmp);
      fs.renameSync(tmp, dest);
      placed.push(f.path);
      progress('files', i + 1, manifest.files.length);
    });
    return { manifest, safetyCopy, restoredFiles: manifest.files.length };
  } catch (e) {
    const stuck: string[] = [];
    for (const rel of placed) fs.rmSync(path.join(paths.dataDir, rel), { force: true });
    for (const rel of moved) {
      try {
        fs.renameSync(path.join(safetyCopy, rel), path.join(paths.dataDir, rel));
      } catch {
        stuck.push(rel);
      }
    }
    if (stuck.length === 0) fs.rmSync(safetyCopy, { recursive: true, force: true });
    const reason = (e as Error).message;
    throw new AppError(
      'RESTORE_FAILED',
      stuck.length === 0
        ? `Restore failed while replacing files, the data is unchanged: ${reason}`
        : `Restore failed while replacing files (${reason}); ${stuck.join(', ')} could not be put back and are kept in ${safetyCopy}`,
    );
  }
}

/**
 * Replaces the data dir's database, models, index, queue snapshot and settings with the backup's.
 * Refuses while an app holds the data dir. The current data is moved to <data>/.pre-restore/<time>/ first.
 */
export async function restoreBackup(file: string, paths: DataPaths, progress: OpsProgress = () => undefined): Promise<RestoreResult> {
  refuseIfAppRunning(paths);
  const verified = await verifyBackup(path.resolve(file), progress);
  try {
    return applyVerifiedBackup(verified, paths, progress);
  } finally {
    discardVerified(verified);
  }
}
