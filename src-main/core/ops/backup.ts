// Backup and restore of a data dir (replaces the seed's backup shell script): a consistent .tar.gz
// with the database (SQLite online backup API, safe while the app runs), model artifacts, the vector
// index, the queue snapshot and the settings store, plus a manifest with checksums and versions.
import crypto from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import BetterSqlite3 from 'better-sqlite3';
import * as tar from 'tar';
import type { DataPaths } from '../config/paths';
import { AppError, InputError } from '../errors';
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

export interface BackupResult {
  file: string;
  bytes: number;
  manifest: BackupManifest;
}

export async function createBackup(
  sqlite: BetterSqlite3.Database,
  paths: DataPaths,
  options: { output?: string; appVersion: string; progress?: OpsProgress },
): Promise<BackupResult> {
  const output = path.resolve(options.output ?? defaultBackupName());
  if (!/\.(tar\.gz|tgz)$/.test(output)) throw new InputError(`--output: the backup file must end in .tar.gz or .tgz, got "${output}"`, 'output');
  if (!fs.existsSync(path.dirname(output))) throw new InputError(`--output: folder ${path.dirname(output)} does not exist`, 'output');
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
    const tmp = `${output}.${process.pid}.tmp`;
    await tar.c({ gzip: true, file: tmp, cwd: stage, portable: true }, ['manifest.json', DB_NAME, ...items]);
    const fd = fs.openSync(tmp, 'r');
    fs.fsyncSync(fd);
    fs.closeSync(fd);
    fs.renameSync(tmp, output);
    return { file: output, bytes: fs.statSync(output).size, manifest };
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}

/** Extracts a backup to a temporary folder and verifies its manifest; throws naming the first problem. */
export async function verifyBackup(file: string): Promise<{ stage: string; manifest: BackupManifest }> {
  if (!fs.existsSync(file)) throw new InputError(`file: backup file ${file} does not exist`, 'file');
  const stage = fs.mkdtempSync(path.join(os.tmpdir(), 'openfatture-restore-'));
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
  if (manifest.format !== BACKUP_FORMAT) fail(`not an OpenFatture backup (format "${String(manifest.format)}")`);
  if (manifest.formatVersion > BACKUP_FORMAT_VERSION) fail(`made by a newer version (format ${manifest.formatVersion})`);
  if (manifest.schemaVersion > latestSchemaVersion()) fail(`database schema ${manifest.schemaVersion} is newer than this app supports (${latestSchemaVersion()})`);
  for (const f of manifest.files) {
    const p = path.join(stage, f.path);
    if (!fs.existsSync(p)) fail(`${f.path} is listed in the manifest but missing`);
    if (fs.statSync(p).size !== f.bytes || sha256File(p) !== f.sha256) fail(`checksum mismatch for ${f.path}`);
  }
  const db = new BetterSqlite3(path.join(stage, DB_NAME), { readonly: true });
  const integrity = db.pragma('integrity_check', { simple: true });
  db.close();
  if (integrity !== 'ok') fail(`the database fails its integrity check: ${String(integrity)}`);
  return { stage, manifest };
}

export interface RestoreResult {
  manifest: BackupManifest;
  safetyCopy: string;
  restoredFiles: number;
}

/**
 * Replaces the data dir's database, models, index, queue snapshot and settings with the backup's.
 * Refuses while an app holds the data dir. The current data is moved to <data>/.pre-restore/<time>/ first.
 */
export async function restoreBackup(file: string, paths: DataPaths, progress: OpsProgress = () => undefined): Promise<RestoreResult> {
  const holder = readInstanceLock(paths.dataDir);
  if (holder) {
    throw new AppError('APP_RUNNING', `Restore refused: OpenFatture (${holder.host}, pid ${holder.pid}) is running on ${paths.dataDir}. Close it first.`);
  }
  progress('verify', 0, 1);
  const { stage, manifest } = await verifyBackup(path.resolve(file));
  progress('verify', 1, 1);
  try {
    const safetyCopy = path.join(paths.dataDir, '.pre-restore', new Date().toISOString().replace(/[:.]/g, '-'));
    fs.mkdirSync(safetyCopy, { recursive: true });
    const current = [DB_NAME, `${DB_NAME}-wal`, `${DB_NAME}-shm`, ...backupItems(paths)];
    for (const rel of current) {
      const src = path.join(paths.dataDir, rel);
      if (!fs.existsSync(src)) continue;
      fs.mkdirSync(path.dirname(path.join(safetyCopy, rel)), { recursive: true });
      fs.renameSync(src, path.join(safetyCopy, rel));
    }
    manifest.files.forEach((f, i) => {
      const dest = path.join(paths.dataDir, f.path);
      fs.mkdirSync(path.dirname(dest), { recursive: true });
      const tmp = `${dest}.restore.tmp`;
      fs.copyFileSync(path.join(stage, f.path), tmp);
      fs.renameSync(tmp, dest);
      progress('files', i + 1, manifest.files.length);
    });
    return { manifest, safetyCopy, restoredFiles: manifest.files.length };
  } finally {
    fs.rmSync(stage, { recursive: true, force: true });
  }
}
