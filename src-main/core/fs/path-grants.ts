// Which paths a renderer may hand back to main. The renderer is untrusted: a path it sends is used
// only if it lies in a folder the app offers for that purpose (the backups folder) or the user
// picked it in the host's own file dialog moments before. The dialog handler grants the chosen path
// for one use in one mode (save or open); the operation takes the grant, so a path cannot be reused,
// and grants expire after a while.
import fs from 'node:fs';
import path from 'node:path';
import { isSameOrInside } from './output-path';

export type GrantMode = 'save' | 'open';

export interface PathGrant {
  file: string;
  mode: GrantMode;
  /** A save dialog confirmed replacing a file that exists. */
  replace: boolean;
  expiresAt: number;
}

/** The real path of `p`, or null when it does not exist. */
function real(p: string): string | null {
  try {
    return fs.realpathSync.native(p);
  } catch {
    return null;
  }
}

/**
 * `p` with its longest existing leading part replaced by that part's real path (the rest does not
 * exist, so it holds no symlink). Null when nothing of it resolves.
 */
function realAsFarAsItExists(p: string): string | null {
  const rest: string[] = [];
  let cur = p;
  for (;;) {
    const r = real(cur);
    if (r) return path.join(r, ...rest.reverse());
    const parent = path.dirname(cur);
    if (parent === cur) return null;
    rest.push(path.basename(cur));
    cur = parent;
  }
}

/**
 * True when `file` lies strictly inside `folder`, judged on real paths (a symlinked folder, or a
 * symlink inside the folder pointing elsewhere, does not count). `file` need not exist yet.
 */
export function liesIn(folder: string, file: string): boolean {
  const realFolder = real(folder);
  if (!realFolder || !path.isAbsolute(file)) return false;
  const resolved = path.resolve(file);
  const nominal = realAsFarAsItExists(resolved);
  if (!nominal) return false;
  // An existing file is judged where it really is (a symlink in the folder may point anywhere).
  const target = fs.existsSync(resolved) ? real(resolved) : nominal;
  return [nominal, target].every((p) => p !== null && p !== realFolder && isSameOrInside(realFolder, p));
}

export class PathGrants {
  private readonly grants = new Map<string, PathGrant>();

  constructor(
    private readonly ttlMs = 15 * 60_000,
    private readonly now: () => number = Date.now,
    /** At most this many grants are held; the oldest goes first. */
    private readonly capacity = 16,
  ) {}

  private static key(mode: GrantMode, file: string): string {
    const p = path.resolve(file);
    return `${mode}\0${process.platform === 'darwin' || process.platform === 'win32' ? p.toLowerCase() : p}`;
  }

  /** Grants `file` for one use in `mode`. */
  grant(file: string, mode: GrantMode, options: { replace?: boolean } = {}): void {
    const key = PathGrants.key(mode, file);
    this.grants.delete(key);
    this.grants.set(key, { file: path.resolve(file), mode, replace: options.replace ?? false, expiresAt: this.now() + this.ttlMs });
    while (this.grants.size > this.capacity) this.grants.delete(this.grants.keys().next().value as string);
  }

  /** Takes the grant of `file` in `mode` (it cannot be used again), or null when there is none or it expired. */
  take(file: string, mode: GrantMode): PathGrant | null {
    const key = PathGrants.key(mode, file);
    const g = this.grants.get(key);
    if (!g) return null;
    this.grants.delete(key);
    return g.expiresAt >= this.now() ? g : null;
  }

  get size(): number {
    return this.grants.size;
  }
}
