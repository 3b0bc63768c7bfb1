// The worker protocol (DESIGN §2): a discriminated union of messages with a `seq`.
// Main → worker: call | cancel | shutdown. Worker → main: ready | result | error | progress | log.
// Jobs are declared by augmenting `WorkerJobs` next to the code that owns them, e.g.
//   declare module '../worker/protocol' { interface WorkerJobs { embed: { args: EmbedArgs; result: EmbedResult } } }

export interface WorkerJobs {
  /** Health check: answers with the worker's pid and uptime. */
  ping: { args: Record<string, never>; result: { pid: number; uptimeMs: number } };
  /** A CPU-bound job (counts primes below `limit`), for tests and benches of the worker itself. */
  'cpu.primes': { args: { limit: number }; result: { count: number; ms: number } };
}

export type JobName = keyof WorkerJobs;
export type JobArgs<J extends JobName> = WorkerJobs[J]['args'];
export type JobResult<J extends JobName> = WorkerJobs[J]['result'];

export interface Progress {
  step: string;
  current: number;
  total: number;
}

export type MainToWorker =
  | { type: 'call'; seq: number; job: string; args: unknown }
  /** Aborts the job's AbortSignal; the job ends with a CANCELLED error (or its result, if it was done). */
  | { type: 'cancel'; seq: number }
  | { type: 'shutdown' };

export type WorkerLogLevel = 'debug' | 'info' | 'warn' | 'error';

export type WorkerToMain =
  | { type: 'ready'; pid: number }
  | { type: 'result'; seq: number; value: unknown }
  | { type: 'error'; seq: number; error: { code: string; message: string } }
  | { type: 'progress'; seq: number; progress: Progress }
  | { type: 'log'; level: WorkerLogLevel; msg: string; data?: Record<string, unknown> };

export function isWorkerToMain(m: unknown): m is WorkerToMain {
  return !!m && typeof m === 'object' && typeof (m as { type?: unknown }).type === 'string';
}
