// Worker jobs of the cash-flow model: training (progress per tree) and batch prediction.
import { CashFlowModel } from '../core/ml/cash-flow/cash-flow-model';
import '../core/ml/cash-flow/cash-flow-jobs';
import { registerJob } from './jobs';

registerJob('ml.cashflow.train', ({ rows, options }, ctx) => {
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  const model = CashFlowModel.train(rows, options, (p) => ctx.progress(p));
  const ms = performance.now() - t0;
  const cpu = process.cpuUsage(c0);
  ctx.log('info', `Cash-flow model trained on ${rows.length} rows in ${(ms / 1000).toFixed(1)}s`, { trees: model.options.nEstimators });
  return { artifact: model.toJSON(), ms, cpuMs: (cpu.user + cpu.system) / 1000 };
});

registerJob('ml.cashflow.predict', ({ artifact, features }) => CashFlowModel.fromJSON(artifact).predict(features));
