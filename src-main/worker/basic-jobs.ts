// Jobs that prove the worker itself: a health ping and a CPU-bound job with progress.
import { registerJob } from './jobs';

const bootedAt = Date.now();

registerJob('ping', () => ({ pid: process.pid, uptimeMs: Date.now() - bootedAt }));

registerJob('cpu.primes', ({ limit }, ctx) => {
  if (!Number.isInteger(limit) || limit < 2 || limit > 1e9) throw new Error('limit: must be an integer between 2 and 1e9');
  const t0 = performance.now();
  let count = 0;
  const step = Math.max(1, Math.floor(limit / 20));
  for (let n = 2; n < limit; n++) {
    let prime = true;
    for (let d = 2; d * d <= n; d++) {
      if (n % d === 0) {
        prime = false;
        break;
      }
    }
    if (prime) count++;
    if (n % step === 0) ctx.progress({ step: 'primes', current: n, total: limit });
  }
  return { count, ms: performance.now() - t0 };
});
