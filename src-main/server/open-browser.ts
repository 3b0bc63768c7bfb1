// `serve --open`: opens the app in the desktop's default browser without putting the access token on
// a command line, where any user of the machine could read it (`ps`, /proc/<pid>/cmdline). As Jupyter
// does, it writes a small redirect page readable only by this user into the data dir's cache and
// hands the browser that file instead of the tokened address. The caller removes the file once the
// page has been opened with the token, and in any case when the host stops; a file left behind by a
// killed host is removed at the next start (only one host runs per data dir, see app.lock).
import { spawn } from 'node:child_process';
import crypto from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { commitTempFile, tempPathFor } from '../core/fs/atomic-file';

const REDIRECT_PREFIX = 'open-browser-';

export interface RedirectFile {
  /** The redirect page on disk (mode 0600). */
  readonly path: string;
  /** Its file:// address: what goes on the opener's command line. */
  readonly fileUrl: string;
  /** Deletes the page; safe to call more than once. */
  remove(): void;
}

function escapeHtml(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

function redirectPage(target: string): string {
  const href = escapeHtml(target);
  const script = JSON.stringify(target).replace(/</g, '\\u003c');
  return `<!doctype html>
<html><head><meta charset="utf-8"><meta http-equiv="refresh" content="0;url=${href}"><meta name="referrer" content="no-referrer"><title>Opening OpenFatture…</title></head>
<body><p>Opening OpenFatture… If nothing happens, <a href="${href}">open it here</a>.</p>
<script>window.location.replace(${script});</script></body></html>
`;
}

/** Removes redirect pages a previous host of this data dir left behind (it was killed before its cleanup). */
export function removeStaleRedirectFiles(cacheDir: string): number {
  let removed = 0;
  let names: string[];
  try {
    names = fs.readdirSync(cacheDir);
  } catch {
    return 0;
  }
  for (const name of names) {
    if (!name.startsWith(REDIRECT_PREFIX) || !name.endsWith('.html')) continue;
    fs.rmSync(path.join(cacheDir, name), { force: true });
    removed++;
  }
  return removed;
}

/** Writes a redirect page to `target` in `cacheDir`, created with mode 0600 and committed atomically. */
export function writeRedirectFile(cacheDir: string, target: string): RedirectFile {
  fs.mkdirSync(cacheDir, { recursive: true, mode: 0o700 });
  const file = path.join(cacheDir, `${REDIRECT_PREFIX}${crypto.randomBytes(8).toString('hex')}.html`);
  const tmp = tempPathFor(file);
  try {
    // Exclusive create with 0600: the token is never in a file another user could open, even briefly.
    fs.writeFileSync(tmp, redirectPage(target), { mode: 0o600, flag: 'wx' });
    commitTempFile(tmp, file);
  } catch (e) {
    fs.rmSync(tmp, { force: true });
    throw e;
  }
  return {
    path: file,
    fileUrl: pathToFileURL(file).href,
    remove: () => fs.rmSync(file, { force: true }),
  };
}

/** The desktop's "open this with the default application" command for `target` (a file:// address). */
export function openerCommand(target: string, platform: NodeJS.Platform = process.platform): [string, string[]] {
  if (platform === 'darwin') return ['open', [target]];
  if (platform === 'win32') return ['cmd', ['/c', 'start', '""', target]];
  return ['xdg-open', [target]];
}

/** Starts the opener without waiting for it; false when it could not be started. */
function launch(target: string): Promise<boolean> {
  const [cmd, args] = openerCommand(target);
  return new Promise((resolve) => {
    try {
      const child = spawn(cmd, args, { detached: true, stdio: 'ignore' });
      child.once('error', () => resolve(false));
      child.once('spawn', () => {
        child.unref();
        resolve(true);
      });
    } catch {
      resolve(false);
    }
  });
}

/**
 * Opens `url` (which carries the token) in the default browser through a redirect page in `cacheDir`.
 * Returns the page to remove, or null when no opener could be started (the page is then removed).
 */
export async function openBrowserWithoutTokenOnCommandLine(url: string, cacheDir: string): Promise<RedirectFile | null> {
  removeStaleRedirectFiles(cacheDir);
  const page = writeRedirectFile(cacheDir, url);
  if (await launch(page.fileUrl)) return page;
  page.remove();
  return null;
}
