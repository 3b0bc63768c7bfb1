// Registry of the worker's job handlers. Each domain registers its handlers from its own module
// (see entry.ts); a handler gets its args and a context for progress and logs.
import type { JobArgs, JobName, JobResult, Progress, WorkerLogLevel } from '../core/worker/protocol';

export interface JobContext {
  /** Aborted when main cancels the call; long jobs check it and stop. */
  signal: AbortSignal;
  progress(p: Progress): void;
  log(level: WorkerLogLevel, msg: string, data?: Record<string, unknown>): void;
}

export type JobHandler<J extends JobName> = (args: JobArgs<J>, ctx: JobContext) => Promise<JobResult<J>> | JobResult<J>;

const handlers = new Map<string, JobHandler<JobName>>();

export function registerJob<J extends JobName>(name: J, handler: JobHandler<J>): void {
  handlers.set(name, handler as unknown as JobHandler<JobName>);
}

export function jobHandler(name: string): JobHandler<JobName> | undefined {
  return handlers.get(name);
}
