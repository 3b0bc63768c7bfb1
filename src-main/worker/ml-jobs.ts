// A bare forest training on a matrix sent by main, trees on the thread pool (benchmarks). The
// cash-flow model's own jobs read their rows in the worker: serialized-model-jobs.ts.
import '../core/ml/forest/forest-jobs';
import { QuantileForest } from '../core/ml/forest/quantile-forest';
import { forestPool } from './forest-pool';
import { registerJob } from './jobs';

registerJob('ml.forest.train', async ({ x, y, cols, options }, ctx) => {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const forest = await QuantileForest.train(x, y, cols, options, forestPool(), (current, total) => ctx.progress({ step: 'train', current, total }), ctx.signal);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  return { forest: forest.encode(), ms, cpuMs: (cpu.user + cpu.system) / 1000, threads: forestPool().size };
});
