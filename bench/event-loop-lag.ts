// What a user feels while long work runs on the main process: the event loop's delay
// (perf_hooks.monitorEventLoopDelay) over the work, and the longest single stall with the step it
// happened in (a 5 ms ticker). Shared by the benches that set a lag target.
import { monitorEventLoopDelay, performance } from 'node:perf_hooks';
import type { IpcRouter } from '../src-main/ipc/ipc-router';

export interface Lag {
  p50: number;
  p99: number;
  max: number;
  seconds: number;
}

export interface Stall {
  ms: number;
  step: string;
}

export interface LagOptions {
  /** Histogram resolution in ms (default 1). */
  resolution?: number;
  /** Idle time measured before the work starts, like a UI waiting for input (default 0). */
  idleMs?: number;
}

const TICK_MS = 5;

/** Runs `work` with the histogram on; `mark(step)` names the step any later stall is charged to. */
export async function measureLag<T>(work: (mark: (step: string) => void) => Promise<T> | T, options: LagOptions = {}): Promise<{ lag: Lag; value: T; stall: Stall }> {
  const h = monitorEventLoopDelay({ resolution: options.resolution ?? 1 });
  let step = 'start';
  let stall: Stall = { ms: 0, step: '' };
  let last = performance.now();
  const ticker = setInterval(() => {
    const now = performance.now();
    if (now - last - TICK_MS > stall.ms) stall = { ms: now - last - TICK_MS, step };
    last = now;
  }, TICK_MS);
  h.enable();
  if (options.idleMs) await new Promise((r) => setTimeout(r, options.idleMs));
  const t0 = performance.now();
  const value = await work((s) => (step = s));
  const seconds = (performance.now() - t0) / 1000;
  // The histogram records a stall when its timer next fires: give it that turn before stopping it.
  await new Promise((r) => setTimeout(r, 50));
  h.disable();
  clearInterval(ticker);
  return { value, stall, lag: { p50: h.percentile(50) / 1e6, p99: h.percentile(99) / 1e6, max: h.max / 1e6, seconds } };
}

/** One IPC call as a transport makes it: the answer is JSON-serialised (the browser host sends frames); an error throws. */
export async function callChannel<T>(router: IpcRouter, channel: string, args: unknown): Promise<T> {
  const r = await router.invoke(channel, args);
  JSON.stringify(r);
  if (!r.ok) throw new Error(`${channel}: ${r.error.code} ${r.error.message}`);
  return r.value as T;
}
