// Waiting in tests without fixed sleeps: `waitUntil` polls a condition until it holds (generous cap,
// so a loaded machine only makes it slower, never failing), `holdsThroughout` checks that something
// that must NOT happen does not happen at any poll over a window (a fixed window is inherent to
// proving an absence; polling makes the check see a transient violation too).

export interface WaitOptions {
  /** Give up after this long (default 60 s: generous, the machine may be loaded). */
  timeoutMs?: number;
  /** Poll interval (default 25 ms). */
  stepMs?: number;
}

const pause = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** Polls `condition` until it is truthy; returns the elapsed ms. Throws naming `what` after the cap. */
export async function waitUntil(what: string, condition: () => unknown, options: WaitOptions = {}): Promise<number> {
  const { timeoutMs = 60_000, stepMs = 25 } = options;
  const t0 = Date.now();
  for (;;) {
    if (await condition()) return Date.now() - t0;
    if (Date.now() - t0 > timeoutMs) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await pause(stepMs);
  }
}

/** Polls `invariant` for `windowMs`; throws naming `what` at the first poll where it does not hold. */
export async function holdsThroughout(what: string, invariant: () => unknown, windowMs: number, stepMs = 25): Promise<void> {
  const t0 = Date.now();
  for (;;) {
    if (!(await invariant())) throw new Error(`${what} stopped holding after ${Date.now() - t0} ms`);
    if (Date.now() - t0 >= windowMs) return;
    await pause(stepMs);
  }
}

/** Resolves with the event's arguments the `count`-th time `emitter` emits `event`; rejects after the cap. */
export function nthEvent(emitter: { on(event: string, cb: (...args: unknown[]) => void): unknown; off(event: string, cb: (...args: unknown[]) => void): unknown }, event: string, count = 1, timeoutMs = 60_000): Promise<unknown[]> {
  return new Promise((resolve, reject) => {
    let seen = 0;
    const timer = setTimeout(() => {
      emitter.off(event, on);
      reject(new Error(`timed out after ${timeoutMs} ms waiting for "${event}" #${count} (saw ${seen})`));
    }, timeoutMs);
    const on = (...args: unknown[]) => {
      if (++seen < count) return;
      clearTimeout(timer);
      emitter.off(event, on);
      resolve(args);
    };
    emitter.on(event, on);
  });
}
