// The Node host adapter: the worker is a child_process.fork of the worker entry. Inside the CLI bundle
// (scripts/build-cli.mjs) that is the bundled worker beside it; run from the sources it is the bundled
// worker named by OPENFATTURE_WORKER_BUNDLE when set (the test setup points it at a fresh
// dist-cli/worker.mjs), else src-main/worker/entry.ts through tsx's loader.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { MainToWorker, WorkerToMain } from './protocol';
import type { SpawnWorker, WorkerProcess } from './worker-host';

// Defined by the CLI bundle as the bundle's own URL; undefined when running from the sources.
declare const __OPENFATTURE_BUNDLE_URL__: string | undefined;

const here = path.dirname(fileURLToPath(import.meta.url));
export const WORKER_ENTRY = path.resolve(here, '../../worker/entry.ts');

/** The worker's entry file and the Node flags it needs. */
export function workerCommand(env: NodeJS.ProcessEnv = process.env): { entry: string; execArgv: string[] } {
  if (typeof __OPENFATTURE_BUNDLE_URL__ === 'string') return { entry: fileURLToPath(new URL('./worker.mjs', __OPENFATTURE_BUNDLE_URL__)), execArgv: [] };
  if (env.OPENFATTURE_WORKER_BUNDLE) return { entry: path.resolve(env.OPENFATTURE_WORKER_BUNDLE), execArgv: [] };
  // Resolved from this file, not from the cwd: the CLI may be run from any folder.
  const tsxLoader = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;
  return { entry: WORKER_ENTRY, execArgv: ['--import', tsxLoader] };
}

export function nodeWorkerSpawner(env: NodeJS.ProcessEnv = process.env): SpawnWorker {
  return () => {
    const { entry, execArgv } = workerCommand(env);
    const child = fork(entry, [], {
      execArgv,
      serialization: 'advanced', // typed arrays and buffers cross intact
      env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    child.on('error', () => undefined); // a failed spawn or kill surfaces as the 'exit' below
    const proc: WorkerProcess = {
      get pid() {
        return child.pid;
      },
      // A worker that dies between the `connected` check and the write fails the write (EPIPE): the
      // callback takes that error (without it, it would be thrown as an uncaught 'error' event), and
      // the 'exit' that follows fails every pending call like any crash.
      send: (m: MainToWorker) => {
        if (child.connected) child.send(m, (err) => void err);
      },
      onMessage: (cb) => child.on('message', (m) => cb(m as WorkerToMain)),
      onExit: (cb) => child.on('exit', (code, signal) => cb(code, signal)),
      kill: () => void child.kill('SIGKILL'),
    };
    return proc;
  };
}
