// Builds backup archives byte by byte, as an attacker would: any entry name (`../x`, absolute,
// backslashes, NUL, very long), any entry type (links, devices, FIFOs), any declared size, and
// bodies of zeros gigabytes long that cost only megabytes on disk (gzip members of zeros repeated: a
// gzip stream may hold many members, and gunzip reads them as one). The members are mixed so the
// whole inflates ~840× — like the 2.6 MB → 2.2 GB archive of the issue, and under node-tar's own
// 1000× abort, so only the restore's caps stand in the way.
import crypto from 'node:crypto';
import fs from 'node:fs';
import zlib from 'node:zlib';
import * as tar from 'tar';
import type { BackupManifest } from '../../src-main/core/ops/backup';

export type EntryType = 'File' | 'SymbolicLink' | 'Link' | 'Directory' | 'CharacterDevice' | 'BlockDevice' | 'FIFO';

export interface HostileEntry {
  path: string;
  type?: EntryType;
  linkpath?: string;
  /** The body; or `zeros` bytes of zeros. */
  body?: Buffer | string;
  zeros?: number;
}

const ZERO_CHUNK = 16 * 1024 * 1024;
const members = new Map<number, Buffer>();
/** A gzip member of 16 MiB of zeros: level 1 inflates 229×, level 9 1028×. */
function zeroChunkMember(level: 1 | 9): Buffer {
  if (!members.has(level)) members.set(level, zlib.gzipSync(Buffer.alloc(ZERO_CHUNK), { level }));
  return members.get(level)!;
}

function header(e: HostileEntry, size: number): Buffer {
  const type = e.type ?? 'File';
  const h = new tar.Header({ path: e.path, mode: type === 'Directory' ? 0o755 : 0o644, uid: 0, gid: 0, size, mtime: new Date(0), type, linkpath: e.linkpath });
  h.encode();
  const block = h.block!;
  if (!h.needPax) return block;
  // Long or non-ASCII names go in a PAX header, as real tar programs write them.
  const pax = new tar.Pax({ path: e.path, linkpath: e.linkpath, size, mtime: new Date(0) }).encode();
  return Buffer.concat([pax, block]);
}

/** Writes a gzip'd tar of `entries`, in order. Returns the archive's size. */
export function writeHostileArchive(file: string, entries: HostileEntry[]): number {
  const fd = fs.openSync(file, 'w');
  let pending: Buffer[] = [];
  let chunks = 0;
  const flush = () => {
    if (pending.length) fs.writeSync(fd, zlib.gzipSync(Buffer.concat(pending), { level: 1 }));
    pending = [];
  };
  try {
    for (const e of entries) {
      const body = e.body === undefined ? null : Buffer.from(e.body);
      const size = body ? body.length : (e.zeros ?? 0);
      pending.push(header(e, size));
      if (body) pending.push(body, Buffer.alloc((512 - (body.length % 512)) % 512));
      else if (size > 0) {
        flush();
        let left = size;
        // One level-1 member, then fifteen level-9 ones: ~840× overall, never 1000× so far.
        for (; left >= ZERO_CHUNK; left -= ZERO_CHUNK) fs.writeSync(fd, zeroChunkMember(chunks++ % 16 === 0 ? 1 : 9));
        // The rest of the body and its padding to a 512-byte block are zeros too.
        pending.push(Buffer.alloc(left + ((512 - (size % 512)) % 512)));
      }
    }
    pending.push(Buffer.alloc(1024));
    flush();
  } finally {
    fs.closeSync(fd);
  }
  return fs.statSync(file).size;
}

export const sha256 = (data: Buffer | string): string => crypto.createHash('sha256').update(data).digest('hex');

/** A manifest in the app's format listing `files` (path, size, checksum as given). */
export function manifestFor(files: { path: string; bytes: number; sha256: string }[], rowCounts: Record<string, number> = {}): BackupManifest {
  return { format: 'openfatture-backup', formatVersion: 1, appVersion: 'attack', createdAt: new Date().toISOString(), schemaVersion: 1, rowCounts, files };
}

/** A manifest entry describing `body` at `path`. */
export function described(path: string, body: Buffer | string): { path: string; bytes: number; sha256: string } {
  return { path, bytes: Buffer.byteLength(body), sha256: sha256(body) };
}
