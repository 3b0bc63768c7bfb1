// `npm start`: the desktop app where Electron can run; otherwise (no Electron binary, e.g. a headless
// server or a machine that cannot download it) says so and starts the browser host instead.
// Before launching Electron the native modules are rebuilt for Electron's ABI when needed; the test
// script (scripts/ensure-native.mjs) switches them back to Node's ABI.
import { spawn, spawnSync } from 'node:child_process';
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const require = createRequire(import.meta.url);
const extraArgs = process.argv.slice(2);

const electronDir = path.dirname(require.resolve('electron/package.json'));

/** Where the electron package expects its binary (honours ELECTRON_OVERRIDE_DIST_PATH like the package does). */
function electronBinaryPath() {
  const pathFile = path.join(electronDir, 'path.txt');
  const rel = fs.existsSync(pathFile) ? fs.readFileSync(pathFile, 'utf8').trim() : null;
  if (process.env.ELECTRON_OVERRIDE_DIST_PATH) return path.join(process.env.ELECTRON_OVERRIDE_DIST_PATH, rel || 'electron');
  return rel ? path.join(electronDir, 'dist', rel) : null;
}

/** Path of a runnable Electron binary (downloading it the way the electron package does), or why there is none. */
export function findElectron() {
  let bin = electronBinaryPath();
  if (!bin || !fs.existsSync(bin)) {
    console.log('Electron binary not found; trying to download it ...');
    // The package's own installer, with its output captured: a failure is summarised, not dumped.
    const dl = spawnSync(process.execPath, [path.join(electronDir, 'install.js')], { encoding: 'utf8', timeout: 180_000 });
    bin = electronBinaryPath();
    if (dl.status !== 0 || !bin || !fs.existsSync(bin)) {
      const lines = `${dl.stderr ?? ''}\n${dl.stdout ?? ''}\n${dl.error?.message ?? ''}`.split('\n').map((l) => l.trim()).filter(Boolean);
      const why = lines.find((l) => /error|failed|ENOTFOUND|ECONN|EAI_AGAIN/i.test(l)) ?? lines[0] ?? `exit ${dl.status}`;
      return { bin: null, reason: `the Electron binary is not installed and could not be downloaded (${why})` };
    }
  }
  const probe = spawnSync(bin, ['--version'], { encoding: 'utf8', env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, timeout: 20_000 });
  if (probe.status !== 0) return { bin: null, reason: `the Electron binary at ${bin} does not run here (${(probe.stderr || probe.error?.message || `exit ${probe.status}`).trim()})` };
  return { bin, version: probe.stdout.trim() };
}

function run(cmd, args, opts = {}) {
  const r = spawnSync(cmd, args, { stdio: 'inherit', cwd: root, ...opts });
  if (r.status !== 0) throw new Error(`${cmd} ${args.join(' ')} failed (exit ${r.status})`);
}

/** Loads each native module inside Electron-as-Node: true when they already match Electron's ABI. */
function nativesMatchElectron(bin) {
  const probe = spawnSync(bin, ['-e', "require('better-sqlite3'); require('hnswlib-node')"], { cwd: root, env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' }, encoding: 'utf8' });
  return probe.status === 0;
}

function ensureElectronNatives(bin) {
  if (nativesMatchElectron(bin)) return;
  console.log('Rebuilding better-sqlite3 and hnswlib-node for Electron ...');
  // ~/.npmrc may pin nodedir to Node's own headers: node-gyp would then build for Node's ABI and
  // report success. Clear it so @electron/rebuild fetches Electron's headers.
  const env = { ...process.env, npm_config_nodedir: '', NODEDIR: '' };
  run('npx', ['--yes', '@electron/rebuild', '--force', '--only', 'better-sqlite3,hnswlib-node'], { env });
  if (!nativesMatchElectron(bin)) throw new Error('native modules still do not load in Electron after the rebuild (check the nodedir setting of npm)');
}

function startBrowserHost(reason) {
  console.log(`Electron cannot be started on this machine: ${reason}.`);
  console.log('Starting the browser host instead (the same app in your browser): open the address printed below.\n');
  const child = spawn(process.execPath, [path.join(root, 'bin/openfatture.js'), ...extraArgs, 'serve', '--open'], { stdio: 'inherit', cwd: root });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code, signal) => process.exit(code ?? (signal === 'SIGINT' ? 130 : 143)));
}

function startElectron(bin) {
  if (!fs.existsSync(path.join(root, 'dist-renderer/index.html'))) run('npx', ['vite', 'build']);
  run(process.execPath, [path.join(root, 'scripts/build-electron.mjs')]);
  ensureElectronNatives(bin);
  const child = spawn(bin, [root, ...extraArgs], { stdio: 'inherit', cwd: root });
  for (const sig of ['SIGINT', 'SIGTERM']) process.on(sig, () => child.kill(sig));
  child.on('exit', (code) => process.exit(code ?? 0));
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const found = findElectron();
  if (!found.bin) startBrowserHost(found.reason);
  else {
    try {
      startElectron(found.bin);
    } catch (e) {
      console.error(`Could not prepare Electron: ${e.message}`);
      startBrowserHost('preparing it failed');
    }
  }
}
