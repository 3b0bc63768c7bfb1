// A backup archive is untrusted input. This module owns what a restore may write and how an archive
// is read: the allow-list of restorable paths (the database, `.models/**`, `.vectors/**`,
// `settings.json`, the queue snapshot), never `app.lock`, `logs/`, `backups/`, `.pre-restore/` or
// `.tmp/`; the caps on entries and bytes; and the streaming extraction into a working folder, which
// accepts only regular files named by the manifest, with the sizes and checksums it declares. A path
// in the data folder is written only when no link sits anywhere on its way.
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import * as tar from 'tar';
import type { DataPaths } from '../config/paths';

const KiB = 1024;
const MiB = 1024 * KiB;
const GiB = 1024 * MiB;

/**
 * Limits on what one archive may expand to. A real data folder holds a database, a few model
 * versions and one index (hundreds of files at most); the ratio cap stops a small archive that
 * inflates to gigabytes (gzip reaches ~1000×; real backups measure 4–31×), with a floor so a tiny
 * archive of an empty data folder is never refused.
 */
export const RESTORE_CAPS = {
  maxEntries: 10_000,
  maxTotalBytes: 8 * GiB,
  maxRatio: 100,
  ratioFloorBytes: 256 * MiB,
  maxManifestBytes: 16 * MiB,
  maxPathLength: 512,
  maxDepth: 8,
} as const;

export function formatBytes(n: number): string {
  if (n < KiB) return `${n} B`;
  if (n < MiB) return `${(n / KiB).toFixed(1)} KiB`;
  if (n < GiB) return `${(n / MiB).toFixed(1)} MiB`;
  return `${(n / GiB).toFixed(2)} GiB`;
}

/** An archive or manifest a restore refuses; the message names the entry and the rule. */
export class RestoreRefusal extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'RestoreRefusal';
  }
}

/** Top-level names a restore never writes (compared case-insensitively: some file systems fold case). */
export const NEVER_RESTORED = ['app.lock', 'logs', 'backups', '.pre-restore', '.tmp'] as const;
const DATABASE = 'openfatture.db';
const DATABASE_SIDECARS = ['-wal', '-shm', '-journal'].map((s) => `${DATABASE}${s}`);

export interface RestoreAllowList {
  /** Files restorable by exact name. */
  files: ReadonlySet<string>;
  /** Folders whose files are restorable (names limited to a portable character set). */
  folders: readonly string[];
}

const toPosix = (rel: string) => rel.split(path.sep).join('/');
/** A file or folder name inside `.models/` or `.vectors/`: what the app itself writes there. */
const PORTABLE_NAME = /^[A-Za-z0-9_][A-Za-z0-9._+-]*$/;

/** The problem with `p` as a relative path, ignoring the allow-list; null when well formed. */
function shapeProblem(p: string): string | null {
  if (p.length === 0) return 'the path is empty';
  if (p.length > RESTORE_CAPS.maxPathLength) return `the path is longer than ${RESTORE_CAPS.maxPathLength} characters`;
  if (p.includes('\0')) return 'the path contains a NUL character';
  if ([...p].some((ch) => ch.charCodeAt(0) < 0x20 || ch.charCodeAt(0) === 0x7f)) return 'the path contains control characters';
  if (p.includes('\\')) return 'the path contains a backslash';
  if (p.startsWith('/') || /^[A-Za-z]:/.test(p)) return 'the path is absolute';
  const segments = p.split('/');
  if (segments.some((s) => s === '')) return 'the path has an empty segment (a leading, doubled or trailing /)';
  if (segments.some((s) => s === '.' || s === '..')) return 'the path has a . or .. segment';
  if (segments.length > RESTORE_CAPS.maxDepth) return `the path is deeper than ${RESTORE_CAPS.maxDepth} folders`;
  if (p !== p.normalize('NFC')) return 'the path is not in Unicode normal form C';
  const top = segments[0].toLowerCase();
  if ((NEVER_RESTORED as readonly string[]).includes(top) || DATABASE_SIDECARS.includes(top)) return `${segments[0]} is never written by a restore`;
  return null;
}

/** What this data folder lets a restore write. The queue snapshot counts only where it lies inside the data folder. */
export function restoreAllowList(paths: DataPaths): RestoreAllowList {
  const rel = (p: string) => toPosix(path.relative(paths.dataDir, p));
  const files = new Set([DATABASE, rel(paths.settingsFile), '.cache/rag_update_queue.json']);
  const queue = rel(paths.queuePersistPath);
  if (!path.isAbsolute(queue) && shapeProblem(queue) === null) files.add(queue);
  return { files, folders: [rel(paths.modelsDir), rel(paths.vectorDir)] };
}

/** Why `p` (a manifest path or an archive entry name) may not be restored; null when it may. */
export function restorePathProblem(p: unknown, allow: RestoreAllowList): string | null {
  if (typeof p !== 'string') return `the path is ${p === null ? 'null' : typeof p}, not a string`;
  const shape = shapeProblem(p);
  if (shape) return shape;
  if (allow.files.has(p)) return null;
  const segments = p.split('/');
  if (segments.length >= 2 && allow.folders.includes(segments[0])) {
    const bad = segments.slice(1).find((s) => !PORTABLE_NAME.test(s) || s.length > 255);
    return bad === undefined ? null : `"${bad}" is not a name the app writes in ${segments[0]}/ (letters, digits, . _ + -)`;
  }
  return `not a restorable path (restorable: ${[...allow.files].join(', ')}, ${allow.folders.map((f) => `${f}/…`).join(', ')})`;
}

/**
 * Why an archive's folder entry (tar of a folder lists the folders too) does not fit the allow-list;
 * null when it is a folder on the way to restorable files. Folder entries write nothing: the files
 * under them do.
 */
export function restoreFolderProblem(p: string, allow: RestoreAllowList): string | null {
  const d = p.replace(/\/+$/, '');
  if ([...allow.files].some((f) => f.startsWith(`${d}/`)) && shapeProblem(d) === null) return null;
  return restorePathProblem(`${d}/x`, allow);
}

/** Quotes an untrusted name for a message: JSON escapes control characters, long names are cut. */
export function quoteEntry(p: unknown): string {
  const s = JSON.stringify(typeof p === 'string' ? p : String(p)) ?? '""';
  return s.length > 200 ? `${s.slice(0, 197)}…"` : s;
}

/** The problem with writing `rel` under `dataDir`: a link, or a non-folder, on the way; null when safe. */
export function destinationProblem(dataDir: string, rel: string): string | null {
  const segments = rel.split('/');
  let cur = dataDir;
  for (let i = 0; i < segments.length; i++) {
    cur = path.join(cur, segments[i]);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(cur);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return null;
      throw e;
    }
    const shown = segments.slice(0, i + 1).join('/');
    if (st.isSymbolicLink()) return `${shown} in the data folder is a symbolic link; a restore never writes through links`;
    if (i < segments.length - 1 && !st.isDirectory()) return `${shown} in the data folder is not a folder`;
    if (i === segments.length - 1 && !st.isFile()) return `${shown} in the data folder exists and is not a regular file`;
  }
  return null;
}

/**
 * The files of the data folder a restore replaces (moved to the safety copy), relative and in `/`
 * form: the database and its sidecars, every file under the restorable folders, and the restorable
 * single files. Throws a RestoreRefusal on a link anywhere among them.
 */
export function currentRestorableFiles(dataDir: string, allow: RestoreAllowList): string[] {
  const out: string[] = [];
  const visit = (rel: string, walk: boolean) => {
    const problem = destinationProblemAny(dataDir, rel);
    if (problem) throw new RestoreRefusal(problem);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(path.join(dataDir, rel));
    } catch {
      return;
    }
    if (st.isFile()) {
      if (!rel.endsWith('.tmp')) out.push(rel);
    } else if (st.isDirectory() && walk) {
      for (const name of fs.readdirSync(path.join(dataDir, rel))) visit(`${rel}/${name}`, true);
    } else {
      throw new RestoreRefusal(`${rel} in the data folder is not a regular file`);
    }
  };
  for (const f of [DATABASE, ...DATABASE_SIDECARS, ...allow.files]) visit(f, false);
  for (const d of allow.folders) visit(d, true);
  return [...new Set(out)];
}

/** Like destinationProblem, but the last segment may be a folder. */
function destinationProblemAny(dataDir: string, rel: string): string | null {
  const segments = rel.split('/');
  let cur = dataDir;
  for (let i = 0; i < segments.length; i++) {
    cur = path.join(cur, segments[i]);
    let st: fs.Stats;
    try {
      st = fs.lstatSync(cur);
    } catch {
      return null;
    }
    const shown = segments.slice(0, i + 1).join('/');
    if (st.isSymbolicLink()) return `${shown} in the data folder is a symbolic link; a restore never writes through links`;
    if (i < segments.length - 1 && !st.isDirectory()) return `${shown} in the data folder is not a folder`;
  }
  return null;
}

export interface ExpectedFile {
  path: string;
  bytes: number;
  sha256: string;
}

/**
 * Called with the parsed manifest.json before any other entry is written: returns the files the
 * archive must hold, or throws a RestoreRefusal. extractArchive then checks the caps on them.
 */
export type ManifestCheck<M> = (raw: unknown) => { manifest: M; files: ExpectedFile[] };

export interface ExtractedArchive<M> {
  manifest: M;
  files: ExpectedFile[];
  /** Bytes written to the working folder. */
  bytes: number;
}

const TYPE_NAMES: Record<string, string> = {
  Link: 'a hard link',
  SymbolicLink: 'a symbolic link',
  CharacterDevice: 'a character device',
  BlockDevice: 'a block device',
  FIFO: 'a FIFO',
  ContiguousFile: 'a contiguous file',
  GNUDumpDir: 'a GNU dump folder',
};

/** Throws a RestoreRefusal when `files` exceed the caps for an archive of `archiveBytes`, or the free space. */
export function checkCaps(files: readonly ExpectedFile[], archiveBytes: number, freeBytes: number): number {
  const caps = RESTORE_CAPS;
  if (files.length > caps.maxEntries) {
    throw new RestoreRefusal(`the manifest lists ${files.length} files; a restore accepts at most ${caps.maxEntries} (entry cap)`);
  }
  const total = files.reduce((sum, f) => sum + f.bytes, 0);
  if (total > caps.maxTotalBytes) {
    throw new RestoreRefusal(`the manifest declares ${formatBytes(total)} of files; a restore accepts at most ${formatBytes(caps.maxTotalBytes)} (size cap)`);
  }
  const ratioCap = Math.max(caps.ratioFloorBytes, archiveBytes * caps.maxRatio);
  if (total > ratioCap) {
    throw new RestoreRefusal(
      `the manifest declares ${formatBytes(total)} of files from a ${formatBytes(archiveBytes)} archive; a restore accepts at most ${caps.maxRatio}× the archive's size, ` +
        `and never less than ${formatBytes(caps.ratioFloorBytes)} (ratio cap: ${formatBytes(ratioCap)} here)`,
    );
  }
  if (total > freeBytes) throw new RestoreRefusal(`restoring needs ${formatBytes(total)} but only ${formatBytes(freeBytes)} is free in the data folder`);
  return total;
}

/**
 * Streams the archive into `stage` (an empty working folder) and returns its manifest. Only regular
 * files on the allow-list (and the folders on their way, which write nothing), each once; once manifest.json is read (our archives hold it first), only
 * the files it names, of the size it declares. Sizes are checked against the caps at each header,
 * before a byte of the entry is written; checksums are computed as the bytes stream. The first
 * problem aborts the read and throws a RestoreRefusal naming the entry; the caller removes `stage`.
 */
export async function extractArchive<M>(
  file: string,
  stage: string,
  allow: RestoreAllowList,
  check: ManifestCheck<M>,
  progress: (current: number, total: number) => void = () => undefined,
): Promise<ExtractedArchive<M>> {
  const caps = RESTORE_CAPS;
  const archiveBytes = fs.statSync(file).size;
  const fsStat = fs.statfsSync(stage);
  const freeBytes = fsStat.bavail * fsStat.bsize;
  // Before the manifest says what to expect, the entries seen so far must fit every cap.
  const runningCap = Math.min(caps.maxTotalBytes, Math.max(caps.ratioFloorBytes, archiveBytes * caps.maxRatio), freeBytes);
  let manifest: M | null = null;
  let expected: Map<string, ExpectedFile> | null = null;
  /** Files written so far, with what they hold. */
  const extracted = new Map<string, { bytes: number; sha256: string }>();
  let entries = 0;
  let reserved = 0;
  let written = 0;
  let openFd: number | null = null;
  let failure: Error | null = null;

  return new Promise<ExtractedArchive<M>>((resolve, reject) => {
    const input = fs.createReadStream(file);
    const parser = new tar.Parser({ strict: true, maxMetaEntrySize: 64 * KiB });
    let settled = false;
    const finish = (err: Error | null) => {
      if (settled) return;
      settled = true;
      input.unpipe(parser);
      input.destroy();
      if (openFd !== null) {
        fs.closeSync(openFd);
        openFd = null;
      }
      if (err) reject(err);
      else if (!manifest || !expected) reject(new RestoreRefusal('manifest.json is missing'));
      else {
        const missing = [...expected.keys()].find((p) => !extracted.has(p));
        if (missing !== undefined) reject(new RestoreRefusal(`${missing} is listed in the manifest but missing`));
        else resolve({ manifest, files: [...expected.values()], bytes: written });
      }
    };
    const fail = (message: string) => {
      if (failure) return;
      failure = new RestoreRefusal(message);
      parser.abort(failure);
      finish(failure);
    };
    const tick = () => {
      if (expected) progress(extracted.size + 1, expected.size + 1);
    };

    parser.on('ignoredEntry', (entry: tar.ReadEntry) => {
      fail(`archive entry ${quoteEntry(entry.path)} has a type this app does not restore (${String(entry.type)})`);
    });
    parser.on('entry', (entry: tar.ReadEntry) => {
      if (failure) {
        entry.resume();
        return;
      }
      entries++;
      if (entries > caps.maxEntries + 1) return fail(`the archive has more than ${caps.maxEntries} entries besides manifest.json (entry cap)`);
      const rel = entry.path;
      if (entry.type === 'Directory') {
        const problem = restoreFolderProblem(rel, allow);
        if (problem) return fail(`archive entry ${quoteEntry(rel)} (a folder) cannot be restored: ${problem}`);
        entry.resume();
        return;
      }
      if (entry.type !== 'File' && entry.type !== 'OldFile') {
        return fail(`archive entry ${quoteEntry(rel)} is ${TYPE_NAMES[entry.type] ?? `of type ${String(entry.type)}`}; only regular files are restored`);
      }
      if (rel === 'manifest.json') {
        if (expected) return fail('the archive holds manifest.json twice');
        return readManifest(entry);
      }
      if (extracted.has(rel)) return fail(`archive entry ${quoteEntry(rel)} appears twice`);
      if (expected) {
        const want = expected.get(rel);
        if (!want) return fail(`archive entry ${quoteEntry(rel)} is not named by the manifest`);
        if (entry.size !== want.bytes) return fail(`checksum mismatch for ${rel}: the archive entry is ${entry.size} bytes, the manifest says ${want.bytes}`);
      } else {
        const problem = restorePathProblem(rel, allow);
        if (problem) return fail(`archive entry ${quoteEntry(rel)} cannot be restored: ${problem}`);
        if (reserved + entry.size > runningCap) {
          return fail(
            `archive entry ${quoteEntry(rel)} (${formatBytes(entry.size)}) takes the files before manifest.json past ${formatBytes(runningCap)} ` +
              `(caps: ${formatBytes(caps.maxTotalBytes)} in all, ${caps.maxRatio}× a ${formatBytes(archiveBytes)} archive with a ${formatBytes(caps.ratioFloorBytes)} floor, the free space)`,
          );
        }
      }
      reserved += entry.size;
      writeFile(entry, rel);
    });

    const readManifest = (entry: tar.ReadEntry) => {
      if (entry.size > caps.maxManifestBytes) return fail(`manifest.json is ${formatBytes(entry.size)}; at most ${formatBytes(caps.maxManifestBytes)} (manifest cap)`);
      const chunks: Buffer[] = [];
      entry.on('end', () => {
        if (failure) return;
        let raw: unknown;
        try {
          raw = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        } catch {
          return fail('manifest.json is unreadable');
        }
        try {
          const checked = check(raw);
          const byPath = new Map<string, ExpectedFile>();
          for (const f of checked.files) {
            if (byPath.has(f.path)) throw new RestoreRefusal(`manifest entry ${quoteEntry(f.path)} is listed twice`);
            byPath.set(f.path, f);
          }
          checkCaps(checked.files, archiveBytes, freeBytes);
          // Entries that came before the manifest must be what it declares.
          for (const [rel, got] of extracted) {
            const want = byPath.get(rel);
            if (!want) throw new RestoreRefusal(`archive entry ${quoteEntry(rel)} is not named by the manifest`);
            if (got.bytes !== want.bytes || got.sha256 !== want.sha256) throw new RestoreRefusal(`checksum mismatch for ${rel}`);
          }
          manifest = checked.manifest;
          expected = byPath;
          tick();
        } catch (e) {
          fail(e instanceof RestoreRefusal ? e.message : `manifest.json: ${(e as Error).message}`);
        }
      });
      entry.on('data', (c: Buffer) => chunks.push(c));
    };

    const writeFile = (entry: tar.ReadEntry, rel: string) => {
      const declared = entry.size;
      const dest = path.join(stage, ...rel.split('/'));
      // The stage holds only folders and files made here, so nothing on this path is a link.
      fs.mkdirSync(path.dirname(dest), { recursive: true, mode: 0o700 });
      const fd = fs.openSync(dest, 'wx', 0o600);
      openFd = fd;
      const hash = crypto.createHash('sha256');
      let bytes = 0;
      entry.on('end', () => {
        if (failure) return;
        fs.fsyncSync(fd);
        fs.closeSync(fd);
        openFd = null;
        const sha256 = hash.digest('hex');
        const want = expected?.get(rel);
        if (bytes !== declared || (want && sha256 !== want.sha256)) return fail(`checksum mismatch for ${rel}`);
        extracted.set(rel, { bytes, sha256 });
        tick();
      });
      entry.on('data', (c: Buffer) => {
        if (failure) return;
        bytes += c.length;
        written += c.length;
        // The header's size was checked against the caps and the manifest; this guards the stream itself.
        if (bytes > declared) return fail(`archive entry ${quoteEntry(rel)} holds more than the ${declared} bytes it declares`);
        for (let off = 0; off < c.length; ) off += fs.writeSync(fd, c, off);
        hash.update(c);
      });
    };

    parser.on('error', (e: Error) => {
      if (failure) return;
      failure = new RestoreRefusal(`not a readable backup archive: ${e.message}`);
      finish(failure);
    });
    parser.on('end', () => finish(failure));
    input.on('error', (e) => {
      if (!failure) failure = e;
      finish(failure);
    });
    input.pipe(parser);
  });
}
