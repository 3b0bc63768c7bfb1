// The browser host as a bench starts it: `openfatture serve` on a free port in a child process, ready
// when it prints its URL.
import { spawn } from 'node:child_process';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
export const CLI = path.join(ROOT, 'bin/openfatture.js');

export interface ServeProcess {
  url: string;
  /** From spawn to the URL printed. */
  msToUrl: number;
  stop(): Promise<void>;
}

export async function startServe(dataDir: string): Promise<ServeProcess> {
  const t0 = performance.now();
  const child = spawn(process.execPath, [CLI, '--data-dir', dataDir, 'serve', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'], env: process.env });
  let out = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /OpenFatture is running at (http:\/\/\S+)/.exec(out);
      if (m) resolve(m[1]!);
    });
    child.stderr.on('data', (d: Buffer) => (out += d.toString()));
    child.once('exit', (code) => reject(new Error(`serve exited ${code}: ${out}`)));
  });
  return {
    url,
    msToUrl: performance.now() - t0,
    stop: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
