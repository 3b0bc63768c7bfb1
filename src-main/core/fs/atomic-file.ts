// Atomic file replacement, shared by every writer of files the app must never find torn (model
// artifacts, the vector index and its meta, the queue snapshot, exports, backups): write a temp file
// beside the target, fsync it, rename it over the target, fsync the folder. A process killed at any
// instant leaves the old file or the new complete one. Files the user names are committed without
// replacing anything (commitTempFileNoReplace) unless the user forced it (see output-path.ts).
import crypto from 'node:crypto';
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import path from 'node:path';

/** The temp file a write to `file` goes through: beside it (same filesystem, so the rename is atomic), per process. */
export function tempPathFor(file: string): string {
  return path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.tmp`);
}

function fsyncPath(p: string, flags: string): void {
  const fd = fs.openSync(p, flags);
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}

/** Makes a rename durable; filesystems that refuse a folder fsync (EINVAL/EISDIR) still did the rename. */
function fsyncDir(dir: string): void {
  try {
    fsyncPath(dir, 'r');
  } catch {
    /* best effort */
  }
}

/** Fsyncs a complete temp file and renames it over `target` (then fsyncs the folder). */
export function commitTempFile(tmp: string, target: string): void {
  fsyncPath(tmp, 'r+');
  fs.renameSync(tmp, target);
  fsyncDir(path.dirname(target));
}

/**
 * A new, empty temp file beside `file`, created exclusively (never an existing file, never through a
 * symlink planted under the temp name): the writers of user-named files fill it, then commit it.
 */
export function createTempBeside(file: string): string {
  for (let attempt = 0; ; attempt++) {
    const tmp = path.join(path.dirname(file), `.${path.basename(file)}.${process.pid}.${crypto.randomBytes(4).toString('hex')}.tmp`);
    try {
      fs.closeSync(fs.openSync(tmp, 'wx'));
      return tmp;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST' || attempt >= 8) throw e;
    }
  }
}

/** Errors of link(2) that mean "this filesystem has no hard links", not "the target exists". */
const NO_HARD_LINKS = new Set(['EPERM', 'ENOTSUP', 'EOPNOTSUPP', 'ENOSYS', 'EXDEV', 'EMLINK']);

/**
 * Fsyncs a complete temp file and puts it in place as `target` only if `target` does not exist:
 * link(2) refuses atomically (EEXIST) where a rename would silently replace. On a filesystem without
 * hard links it falls back to a check and a rename. Throws an error with code EEXIST when the target
 * exists; the temp file is left for the caller to remove.
 */
export function commitTempFileNoReplace(tmp: string, target: string): void {
  fsyncPath(tmp, 'r+');
  try {
    fs.linkSync(tmp, target);
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code ?? '';
    if (!NO_HARD_LINKS.has(code)) throw e;
    if (fs.existsSync(target)) throw Object.assign(new Error(`EEXIST: file already exists, ${target}`), { code: 'EEXIST' });
    fs.renameSync(tmp, target);
    fsyncDir(path.dirname(target));
    return;
  }
  fs.rmSync(tmp, { force: true });
  fsyncDir(path.dirname(target));
}

/** Writes `data` to `file` atomically; a failed write removes its temp file. */
export function writeFileAtomic(file: string, data: string | Buffer): void {
  const tmp = tempPathFor(file);
  try {
    fs.writeFileSync(tmp, data);
    commitTempFile(tmp, file);
  } catch (e) {
    try {
      fs.rmSync(tmp, { force: true });
    } catch {
      /* the write's own error is the one to report */
    }
    throw e;
  }
}

/** The asynchronous folder fsync, for writers that keep the event loop free (model artifacts). */
export async function fsyncDirAsync(dir: string): Promise<void> {
  let handle: fsp.FileHandle | undefined;
  try {
    handle = await fsp.open(dir, 'r');
    await handle.sync();
  } catch {
    /* best effort */
  } finally {
    await handle?.close();
  }
}
