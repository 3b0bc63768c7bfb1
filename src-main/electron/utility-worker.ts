// The Electron host adapter of the worker (DESIGN §2): the same worker entry as under Node, bundled
// to dist-electron/worker.cjs and run as a utilityProcess, so embedding and training never block the
// main process that serves the window.
import path from 'node:path';
import { utilityProcess } from 'electron';
import type { MainToWorker, WorkerToMain } from '../core/worker/protocol';
import type { SpawnWorker, WorkerProcess } from '../core/worker/worker-host';

export function utilityWorkerSpawner(entry = path.join(__dirname, 'worker.cjs')): SpawnWorker {
  return () => {
    const child = utilityProcess.fork(entry, [], { serviceName: 'OpenFatture worker', stdio: 'inherit' });
    const proc: WorkerProcess = {
      get pid() {
        return child.pid;
      },
      send: (m: MainToWorker) => child.postMessage(m),
      onMessage: (cb) => child.on('message', (m: unknown) => cb(m as WorkerToMain)),
      onExit: (cb) => child.on('exit', (code: number) => cb(code, null)),
      kill: () => void child.kill(),
    };
    return proc;
  };
}
