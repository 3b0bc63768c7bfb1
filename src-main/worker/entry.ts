// Worker process entry. Runs under Electron's utilityProcess (process.parentPort) or a Node fork
// (process.send). Handlers are registered by importing each domain's job module below.
import { AppError, errorCode, errorMessage } from '../core/errors';
import type { MainToWorker, WorkerToMain } from '../core/worker/protocol';
import './basic-jobs';
import './rag-jobs';
import './ml-jobs';
import './serialized-model-jobs';
import './import-jobs';
import './bank-jobs';
import { jobHandler } from './jobs';

interface ParentPort {
  postMessage(m: unknown): void;
  on(event: 'message', cb: (e: { data: unknown }) => void): void;
}
const parentPort = (process as unknown as { parentPort?: ParentPort }).parentPort;

function send(m: WorkerToMain): void {
  if (parentPort) parentPort.postMessage(m);
  else process.send?.(m);
}

/** Jobs in progress, so a cancel message can abort the right one. */
const running = new Map<number, AbortController>();

async function onMessage(m: MainToWorker): Promise<void> {
  if (m.type === 'shutdown') {
    process.exit(0);
  }
  if (m.type === 'cancel') {
    running.get(m.seq)?.abort(new AppError('CANCELLED', 'cancelled'));
    return;
  }
  if (m.type !== 'call') return;
  const handler = jobHandler(m.job);
  if (!handler) {
    send({ type: 'error', seq: m.seq, error: { code: 'UNKNOWN_JOB', message: `unknown worker job "${m.job}"` } });
    return;
  }
  const controller = new AbortController();
  running.set(m.seq, controller);
  try {
    const value = await handler(m.args as never, {
      signal: controller.signal,
      progress: (progress) => send({ type: 'progress', seq: m.seq, progress }),
      log: (level, msg, data) => send({ type: 'log', level, msg, data }),
    });
    send({ type: 'result', seq: m.seq, value });
  } catch (e) {
    if (controller.signal.aborted) send({ type: 'error', seq: m.seq, error: { code: 'CANCELLED', message: `${m.job} was cancelled` } });
    else send({ type: 'error', seq: m.seq, error: { code: errorCode(e), message: errorMessage(e) } });
  } finally {
    running.delete(m.seq);
  }
}

if (parentPort) parentPort.on('message', (e) => void onMessage(e.data as MainToWorker));
else process.on('message', (m) => void onMessage(m as MainToWorker));
// Exit with the parent: an orphaned worker must not keep the database's files busy.
process.on('disconnect', () => process.exit(0));

send({ type: 'ready', pid: process.pid });
