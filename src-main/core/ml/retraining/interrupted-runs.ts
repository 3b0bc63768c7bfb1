// At start-up, retrain runs left 'running' by a process that is gone (killed, crashed, power cut)
// become 'failed' with the reason "interrupted", so the Models page and `ai retrain status` stop
// showing them as running. Whether a run is still alive is the retrain lock's knowledge: a run
// started under the lock that a live process holds is that process's, and is left alone.
import type { Database } from '../../db/database';
import type { Logger } from '../../logger';
import { RetrainLock } from './retrain-lock';
import { RetrainingRunRepository } from './retraining-run-repository';
import { englishText, type RetrainingMessage } from './retraining-message';

const INTERRUPTED: RetrainingMessage = { code: 'interrupted', params: {} };

export interface InterruptedRuns {
  model: string;
  runIds: number[];
}

/**
 * Marks the interrupted runs of every model as failed (interrupted) and returns them. A run is
 * interrupted unless a live process holds its model's retrain lock and took it before the run
 * started. Runs in one IMMEDIATE transaction, so no retrain can start between the look and the write.
 */
export function markInterruptedRuns(database: Database, logger: Logger): InterruptedRuns[] {
  const runs = new RetrainingRunRepository(database.sqlite);
  const marked = runs.exclusively(() => {
    const out: InterruptedRuns[] = [];
    for (const model of runs.modelsWithRunningRuns()) {
      const holder = RetrainLock.holder(database, model);
      // A live holder's own run started after it took the lock; anything older was someone else's.
      const ids = runs.runningIds(model, holder?.acquired_at ?? null);
      if (ids.length === 0) continue;
      const failure = { finishedAt: new Date().toISOString(), error: englishText(INTERRUPTED), errorMessages: JSON.stringify([INTERRUPTED]) };
      for (const id of ids) runs.markFailedIfRunning(id, failure);
      out.push({ model, runIds: ids });
    }
    return out;
  });
  for (const m of marked) logger.warn(`Marked ${m.runIds.length} interrupted retrain run(s) of ${m.model} as failed (interrupted): the process running them is gone`);
  return marked;
}
