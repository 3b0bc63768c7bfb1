// Worker jobs of the bank domain: fitting the payment matcher, reading CAMT.053 statements.
import '../core/bank/matcher-jobs';
import { parseCamt053 } from '../core/bank/parse-camt053';
import type { ReadStatementResult } from '../core/bank/statement-jobs';
import { StatementFileError } from '../core/bank/statement-types';
import { serializeMatcher, trainLogistic } from '../core/bank/match-scorers';
import { registerJob } from './jobs';

registerJob('bank.matcher.train', ({ rows }, ctx) => {
  const artifact = trainLogistic(rows, {}, (done, total) => {
    ctx.signal.throwIfAborted();
    ctx.progress({ step: 'train', current: done, total });
  });
  return { artifact: serializeMatcher(artifact), trainingRows: artifact.trainingRows };
});

// A refusal travels as data, so its code reaches the page as the main thread would have thrown it.
registerJob('bank.camt053.read', ({ bytes }): ReadStatementResult => {
  try {
    return { ok: true, statement: parseCamt053(bytes instanceof Uint8Array ? bytes : new Uint8Array(bytes)) };
  } catch (e) {
    if (e instanceof StatementFileError) return { ok: false, message: e.message, coded: e.coded };
    throw e;
  }
});
