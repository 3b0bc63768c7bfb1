// Worker jobs of the cash-flow model on rows sent by main: training (progress per tree; trees on the
// thread pool) and batch prediction; and a bare forest training for benchmarks.
import { CashFlowModel } from '../core/ml/cash-flow/cash-flow-model';
import '../core/ml/cash-flow/cash-flow-jobs';
import '../core/ml/forest/forest-jobs';
import { QuantileForest } from '../core/ml/forest/quantile-forest';
import { forestPool } from './forest-pool';
import { registerJob } from './jobs';

registerJob('ml.cashflow.train', async ({ rows, options }, ctx) => {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const model = await CashFlowModel.train(rows, options, { grower: forestPool(), onProgress: (p) => ctx.progress(p), signal: ctx.signal });
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  ctx.log('info', `Cash-flow model trained on ${rows.length} rows in ${(ms / 1000).toFixed(1)}s`, { trees: model.hyperparameters.trees });
  return { artifact: model.toJSON(), ms, cpuMs: (cpu.user + cpu.system) / 1000, threads: forestPool().size };
});

registerJob('ml.cashflow.predict', ({ artifact, features }) => CashFlowModel.fromJSON(artifact).predict(features));

registerJob('ml.forest.train', async ({ x, y, cols, options }, ctx) => {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const forest = await QuantileForest.train(x, y, cols, options, forestPool(), (current, total) => ctx.progress({ step: 'train', current, total }), ctx.signal);
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  return { forest: forest.encode(), ms, cpuMs: (cpu.user + cpu.system) / 1000, threads: forestPool().size };
});
