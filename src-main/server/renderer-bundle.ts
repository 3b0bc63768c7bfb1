// Finds the built renderer (dist-renderer/, made by `vite build`) and builds it when it is missing
// and vite is installed (a development checkout), so `openfatture serve` works right after install.
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { AppError } from '../core/errors';
import type { Logger } from '../core/logger';

export const REPO_ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
export const RENDERER_DIST = path.join(REPO_ROOT, 'dist-renderer');

export function rendererBuilt(dir = RENDERER_DIST): boolean {
  return fs.existsSync(path.join(dir, 'index.html'));
}

export async function ensureRendererBuilt(logger: Logger, dir = RENDERER_DIST): Promise<string> {
  if (rendererBuilt(dir)) return dir;
  const config = path.join(REPO_ROOT, 'vite.config.ts');
  let vite: typeof import('vite');
  try {
    vite = await import('vite');
  } catch {
    throw new AppError('RENDERER_MISSING', `The renderer is not built (${dir} has no index.html) and vite is not installed: run \`npm run build:renderer\` in a development checkout.`);
  }
  logger.info('Building the renderer (first run) ...');
  const t0 = Date.now();
  await vite.build({ configFile: config, logLevel: 'warn' });
  if (!rendererBuilt(dir)) throw new AppError('RENDERER_MISSING', `vite build finished but ${dir}/index.html is missing`);
  logger.info(`Renderer built in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
  return dir;
}
