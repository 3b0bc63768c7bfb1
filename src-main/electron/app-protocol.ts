// Serves the built renderer from app://openfatture/ (a privileged, standard, secure scheme) with the
// strict CSP and hardening headers; nothing outside the renderer folder is reachable.
import fs from 'node:fs';
import path from 'node:path';
import { protocol } from 'electron';
import { securityHeaders } from '../server/security-headers';

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
};

/** Must run before the app's `ready` event. */
export function registerAppScheme(): void {
  protocol.registerSchemesAsPrivileged([{ scheme: 'app', privileges: { standard: true, secure: true, supportFetchAPI: true } }]);
}

export function serveRenderer(rendererDir: string): void {
  const root = path.resolve(rendererDir);
  protocol.handle('app', (request) => {
    const url = new URL(request.url);
    if (url.host !== 'openfatture') return new Response('Not found', { status: 404 });
    const rel = decodeURIComponent(url.pathname);
    let file = path.resolve(root, '.' + path.posix.normalize(rel));
    if (file !== root && !file.startsWith(root + path.sep)) return new Response('Forbidden', { status: 403 });
    if (!fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      if (path.extname(rel) !== '') return new Response('Not found', { status: 404 });
      file = path.join(root, 'index.html');
    }
    return new Response(fs.readFileSync(file), {
      headers: { ...securityHeaders(), 'Content-Type': MIME[path.extname(file)] ?? 'application/octet-stream' },
    });
  });
}
