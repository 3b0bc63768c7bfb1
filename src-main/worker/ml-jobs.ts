// Worker jobs of the cash-flow model on rows sent by main: training (progress per tree; trees on the
// thread pool) and batch prediction.
import { CashFlowModel } from '../core/ml/cash-flow/cash-flow-model';
import '../core/ml/cash-flow/cash-flow-jobs';
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
