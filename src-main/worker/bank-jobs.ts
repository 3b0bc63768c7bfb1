// Worker jobs of the bank domain: fitting the payment matcher.
import '../core/bank/matcher-jobs';
import { serializeMatcher, trainLogistic } from '../core/bank/match-scorers';
import { registerJob } from './jobs';

registerJob('bank.matcher.train', ({ rows }, ctx) => {
  const artifact = trainLogistic(rows, {}, (done, total) => {
    ctx.signal.throwIfAborted();
    ctx.progress({ step: 'train', current: done, total });
  });
  return { artifact: serializeMatcher(artifact), trainingRows: artifact.trainingRows };
});
