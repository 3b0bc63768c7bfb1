// The Node host adapter: the worker is a child_process.fork of src-main/worker/entry.ts run through tsx.
import { fork } from 'node:child_process';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { MainToWorker, WorkerToMain } from './protocol';
import type { SpawnWorker, WorkerProcess } from './worker-host';

const here = path.dirname(fileURLToPath(import.meta.url));
export const WORKER_ENTRY = path.resolve(here, '../../worker/entry.ts');
// Resolved from this file, not from the cwd: the CLI may be run from any folder.
const TSX_LOADER = pathToFileURL(createRequire(import.meta.url).resolve('tsx')).href;

export function nodeWorkerSpawner(env: NodeJS.ProcessEnv = process.env): SpawnWorker {
  return () => {
    const child = fork(WORKER_ENTRY, [], {
      execArgv: ['--import', TSX_LOADER],
      serialization: 'advanced', // typed arrays and buffers cross intact
      env,
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    const proc: WorkerProcess = {
      get pid() {
        return child.pid;
      },
      send: (m: MainToWorker) => {
        if (child.connected) child.send(m);
      },
      onMessage: (cb) => child.on('message', (m) => cb(m as WorkerToMain)),
      onExit: (cb) => child.on('exit', (code, signal) => cb(code, signal)),
      kill: () => void child.kill('SIGKILL'),
    };
    return proc;
  };
}
