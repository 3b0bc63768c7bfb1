// Fault-injection points for the fault suite (npm run test:faults). Inert unless OPENFATTURE_FAULT
// names the point: then the process announces it on stderr and freezes there (so a test can
// kill -9 it at exactly that instant), or, for "enospc:<point>", the write fails as a full disk would.

/** Freezes the process at `point` when OPENFATTURE_FAULT=<point>. */
export function faultPoint(point: string): void {
  if (process.env.OPENFATTURE_FAULT !== point) return;
  process.stderr.write(`FAULT | paused at ${point} (pid ${process.pid})\n`);
  // A synchronous sleep: the process must stay frozen mid-operation until it is killed.
  Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 120_000);
}

/** Throws ENOSPC at `point` when OPENFATTURE_FAULT=enospc:<point>. */
export function diskFullPoint(point: string): void {
  if (process.env.OPENFATTURE_FAULT !== `enospc:${point}`) return;
  const e = new Error(`ENOSPC: no space left on device, write (injected at ${point})`) as NodeJS.ErrnoException;
  e.code = 'ENOSPC';
  throw e;
}
