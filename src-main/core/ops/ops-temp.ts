// The working folders of backup and restore: `<data>/.tmp/<kind>-<pid>-<random>`, mode 0700, on the
// data folder's own file system (so a restore moves its extracted files into place by rename, and a
// killed backup's copy of the database never lands in the system's shared temp folder). A folder
// whose process is gone is stale: the next start, backup or restore removes it, and `doctor --fix`.
import fs from 'node:fs';
import path from 'node:path';
import { AppError } from '../errors';
import { isProcessAlive } from '../lifespan/instance-lock';

export const OPS_TEMP_DIR = '.tmp';
export type OpsTempKind = 'backup' | 'restore';

const OWNED = /^(backup|restore)-(\d+)-[A-Za-z0-9]+$/;
/** Folders this process made: one with this pid but not made here is a previous process's (a reused pid). */
const madeHere = new Set<string>();

export function opsTempRoot(dataDir: string): string {
  return path.join(dataDir, OPS_TEMP_DIR);
}

/** `<data>/.tmp`, created 0700 if missing; refuses a link or a file in its place (work there could land anywhere). */
function ensureRoot(dataDir: string): string {
  const root = opsTempRoot(dataDir);
  try {
    fs.mkdirSync(root, { mode: 0o700 });
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
  }
  const st = fs.lstatSync(root);
  if (!st.isDirectory()) {
    throw new AppError('UNSAFE_DATA_DIR', `${root} is ${st.isSymbolicLink() ? 'a symbolic link' : 'not a folder'}; remove it (doctor --fix does) and try again`);
  }
  if ((st.mode & 0o777) !== 0o700) fs.chmodSync(root, 0o700);
  return root;
}

/** A new, empty working folder (mode 0700) owned by this process. */
export function makeOpsTemp(dataDir: string, kind: OpsTempKind): string {
  const dir = fs.mkdtempSync(path.join(ensureRoot(dataDir), `${kind}-${process.pid}-`));
  fs.chmodSync(dir, 0o700);
  madeHere.add(dir);
  return dir;
}

export interface OpsTempEntry {
  name: string;
  path: string;
  /** The process that made it, when the name carries one. */
  pid: number | null;
  /** Its process is gone (or it is not one of ours): nothing uses it. */
  stale: boolean;
  bytes: number;
}

function sizeOf(p: string): number {
  const st = fs.lstatSync(p);
  if (!st.isDirectory()) return st.size;
  return fs.readdirSync(p).reduce((sum, name) => sum + sizeOf(path.join(p, name)), 0);
}

/** What `<data>/.tmp` holds; a folder of a live process (or made by this one) is in use, anything else is stale. */
export function listOpsTemp(dataDir: string): OpsTempEntry[] {
  const root = opsTempRoot(dataDir);
  let st: fs.Stats;
  try {
    st = fs.lstatSync(root);
  } catch {
    return [];
  }
  if (!st.isDirectory()) return [];
  return fs.readdirSync(root).map((name) => {
    const p = path.join(root, name);
    const m = OWNED.exec(name);
    const pid = m ? Number(m[2]) : null;
    let bytes = 0;
    try {
      bytes = sizeOf(p);
    } catch {
      /* removed meanwhile */
    }
    const inUse = pid !== null && (pid === process.pid ? madeHere.has(p) : isProcessAlive(pid));
    return { name, path: p, pid, stale: !inUse, bytes };
  });
}

/** Removes the stale working folders (never one a live process uses); returns what was removed. */
export function sweepStaleOpsTemp(dataDir: string): OpsTempEntry[] {
  const stale = listOpsTemp(dataDir).filter((e) => e.stale);
  // rm never follows links: a link planted inside .tmp is removed, not what it points to.
  for (const e of stale) fs.rmSync(e.path, { recursive: true, force: true });
  return stale;
}
