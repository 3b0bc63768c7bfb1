// Every file a user (or the renderer) names as an output — a feedback export, a backup — goes
// through here before a byte is written: the path is resolved and normalised, its folder must exist,
// its extension must match what is written, it never lies among the data folder's managed files (the
// database and its -wal/-shm, .models/, .vectors/, .cache/, logs/, settings.json, app.lock,
// .pre-restore/, the queue snapshot) — checked on the real path of its folder, so a symlink into the
// data folder does not get round it — not even with force, and an existing file is refused unless
// the caller forces its replacement. The write then goes to an exclusive temp file beside the target
// and is committed without replacing anything that appeared meanwhile (or replacing it, if forced).
import fs from 'node:fs';
import path from 'node:path';
import type { DataPaths } from '../config/paths';
import { InputError } from '../errors';
import { LOCK_FILE } from '../lifespan/instance-lock';
import { TextLimits } from '../../../src-preload/contract/common';
import { commitTempFile, commitTempFileNoReplace, createTempBeside } from './atomic-file';

/** The folder holding the data as it was before each restore (written by the restore). */
const PRE_RESTORE_DIR = '.pre-restore';

/** Case-insensitive filesystems are the default on macOS and Windows: compare paths as they would. */
const CASE_INSENSITIVE = process.platform === 'darwin' || process.platform === 'win32';
const comparable = (p: string) => (CASE_INSENSITIVE ? p.toLowerCase() : p);

/** True when `p` is `folder` or lies below it (both absolute and normalised). */
export function isSameOrInside(folder: string, p: string): boolean {
  const rel = path.relative(comparable(folder), comparable(p));
  return rel === '' || (!rel.startsWith('..') && !path.isAbsolute(rel));
}

/** The real path of `p`, or null when it does not exist (or cannot be resolved). */
function realOrNull(p: string): string | null {
  try {
    return fs.realpathSync.native(p);
  } catch {
    return null;
  }
}

interface ManagedItem {
  /** What the user is told it is. */
  label: string;
  /** Absolute paths (nominal and real) that name it. */
  at: string[];
  folder: boolean;
}

/** The data folder's managed files and folders: what the app itself owns and no output may replace. */
export function managedItems(paths: DataPaths): ManagedItem[] {
  const dirs = [paths.dataDir, realOrNull(paths.dataDir)].filter((d): d is string => d !== null);
  const under = (rel: string) => [...new Set(dirs.map((d) => path.join(d, rel)))];
  const both = (p: string) => [...new Set([p, realOrNull(p)].filter((x): x is string => x !== null))];
  const db = path.relative(paths.dataDir, paths.database);
  const rel = (p: string) => path.relative(paths.dataDir, p);
  const items: ManagedItem[] = [
    { label: 'the database', at: under(db), folder: false },
    { label: 'the database journal', at: [...under(`${db}-wal`), ...under(`${db}-shm`), ...under(`${db}-journal`)], folder: false },
    { label: 'the model artifacts folder', at: under(rel(paths.modelsDir)), folder: true },
    { label: 'the vector index folder', at: under(rel(paths.vectorDir)), folder: true },
    { label: CACHE_FOLDER, at: under(rel(paths.cacheDir)), folder: true },
    { label: 'the logs folder', at: under(rel(paths.logsDir)), folder: true },
    { label: 'the settings store', at: under(rel(paths.settingsFile)), folder: false },
    { label: 'the instance lock', at: under(LOCK_FILE), folder: false },
    { label: 'the safety copies of restores', at: under(PRE_RESTORE_DIR), folder: true },
    // The snapshot may be configured outside the data folder: it is the app's file wherever it is.
    { label: QUEUE_SNAPSHOT, at: both(paths.queuePersistPath), folder: false },
  ];
  return items;
}

const QUEUE_SNAPSHOT = 'the queue snapshot';
const CACHE_FOLDER = 'the cache folder';

/**
 * Which managed item `p` is or lies in, or null. `p` must be absolute and normalised. `forQueueSnapshot`
 * leaves out the snapshot itself and the cache folder it lives in by default.
 */
export function managedItemAt(p: string, paths: DataPaths, options: { forQueueSnapshot?: boolean } = {}): string | null {
  for (const item of managedItems(paths)) {
    if (options.forQueueSnapshot && (item.label === QUEUE_SNAPSHOT || item.label === CACHE_FOLDER)) continue;
    for (const at of item.at) {
      if (item.folder ? isSameOrInside(at, p) : comparable(at) === comparable(p)) return item.label;
    }
  }
  return null;
}

/**
 * Why the configured queue snapshot path (QUEUE_PERSIST_PATH, which the settings panel can change)
 * must not be used, or null: it is written on shutdown and set aside when unreadable at startup, so
 * it must be a .json file that is none of the data folder's other managed files (the cache folder,
 * where it lives by default, is the app's own).
 */
export function queueSnapshotPathProblem(paths: DataPaths): string | null {
  const file = paths.queuePersistPath;
  if (!file.toLowerCase().endsWith('.json')) return `${file} is not a .json file`;
  const realDir = realOrNull(path.dirname(file));
  for (const c of [file, ...(realDir ? [path.join(realDir, path.basename(file))] : []), ...[realOrNull(file)].filter((x): x is string => x !== null)]) {
    const other = managedItemAt(c, paths, { forQueueSnapshot: true });
    if (other) return `${file} is ${other} of the data folder ${paths.dataDir}`;
  }
  return null;
}

export interface OutputPathOptions {
  /** The flag or argument the path came from, named in every message: `--output`, `output`. */
  field: string;
  /** Accepted endings, lower case with the dot: ['.json'], ['.tar.gz', '.tgz']. */
  extensions: readonly string[];
  /** What the extension must match, for the message: `--format jsonl`, `a backup`. */
  writing: string;
  /** The data folder whose managed files are refused, even with force. */
  paths: DataPaths;
  /** Replace an existing file (never a managed one). */
  force?: boolean;
  /** How the user forces a replacement, for the message (`add --force to replace it`). */
  forceHint?: string;
}

export interface OutputTarget {
  /** The path as the user gave it, resolved and normalised: what messages and results show. */
  file: string;
  /** The same file under the real path of its folder: where the bytes go. */
  real: string;
  /** The file exists and the caller forced its replacement. */
  replaces: boolean;
}

/** Checks a user-named output path; throws an InputError naming the field and the problem, having written nothing. */
export function checkOutputPath(requested: unknown, options: OutputPathOptions): OutputTarget {
  const { field } = options;
  if (typeof requested !== 'string' || requested.trim() === '') throw new InputError(`${field}: a file name is required`, field);
  if (requested.includes('\0')) throw new InputError(`${field}: must not contain a NUL character`, field);
  if (requested.length > TextLimits.path) throw new InputError(`${field}: longer than the limit of ${TextLimits.path} characters`, field);
  if (/[\\/]$/.test(requested)) throw new InputError(`${field}: "${requested}" names a folder; give a file name`, field);
  const file = path.resolve(requested);
  const base = path.basename(file);
  const dir = path.dirname(file);
  const realDir = realOrNull(dir);
  if (realDir === null || !fs.statSync(realDir).isDirectory()) throw new InputError(`${field}: folder ${dir} does not exist`, field);
  const real = path.join(realDir, base);
  // The nominal path, the path through the folder's real path, and — for a symlink — where it points.
  let stat: fs.Stats | null = null;
  try {
    stat = fs.lstatSync(real);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'ENAMETOOLONG') throw new InputError(`${field}: the file name "${base.slice(0, 80)}…" is too long for the file system`, field);
    if (code !== 'ENOENT') throw new InputError(`${field}: cannot write ${file} (${code ?? (e as Error).message})`, field);
  }
  const candidates = [file, real];
  if (stat?.isSymbolicLink()) {
    const target = realOrNull(real);
    if (target) candidates.push(target);
  }
  for (const c of candidates) {
    const managed = managedItemAt(c, options.paths);
    if (managed) {
      throw new InputError(`${field}: ${file} is ${managed} of the data folder ${options.paths.dataDir}; OpenFatture never writes an output there (not even when told to replace a file)`, field);
    }
  }
  const lower = base.toLowerCase();
  if (!options.extensions.some((ext) => lower.endsWith(ext) && lower.length > ext.length)) {
    throw new InputError(`${field}: "${base}" does not fit ${options.writing}: the name must end in ${options.extensions.join(' or ')}`, field);
  }
  if (stat?.isDirectory()) throw new InputError(`${field}: ${file} is a folder; give a file name`, field);
  if (stat && !options.force) {
    throw new InputError(`${field}: ${file} already exists; choose another name${options.forceHint ? ` or ${options.forceHint}` : ''}`, field);
  }
  return { file, real, replaces: stat !== null };
}

function alreadyExists(target: OutputTarget, options: Pick<OutputPathOptions, 'field' | 'forceHint'>): InputError {
  return new InputError(
    `${options.field}: ${target.file} was created by someone else while writing; it was left as it was${options.forceHint ? ` (${options.forceHint})` : ''}`,
    options.field,
  );
}

function commit(tmp: string, target: OutputTarget, options: Pick<OutputPathOptions, 'field' | 'forceHint'>): void {
  if (target.replaces) {
    commitTempFile(tmp, target.real);
    return;
  }
  try {
    commitTempFileNoReplace(tmp, target.real);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'EEXIST') throw alreadyExists(target, options);
    throw e;
  }
}

/**
 * Writes a checked output: `write` fills a new temp file beside the target, which is then committed
 * (fsync, then link without replacing, or rename when forced). On any failure the temp file is
 * removed and the target is untouched.
 */
export function writeOutput(target: OutputTarget, options: Pick<OutputPathOptions, 'field' | 'forceHint'>, write: (tmp: string) => void): void {
  const tmp = createTempBeside(target.real);
  try {
    write(tmp);
    commit(tmp, target, options);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

/** `writeOutput` for writers that keep the event loop free (the backup archive). */
export async function writeOutputAsync(target: OutputTarget, options: Pick<OutputPathOptions, 'field' | 'forceHint'>, write: (tmp: string) => Promise<void>): Promise<void> {
  const tmp = createTempBeside(target.real);
  try {
    await write(tmp);
    commit(tmp, target, options);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}
