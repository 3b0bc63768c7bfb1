// At start-up, retrain runs left 'running' by a process that is gone (killed, crashed, power cut)
// become 'failed' with the reason "interrupted", so the Models page and `ai retrain status` stop
// showing them as running. Whether a run is still alive is the retrain lock's knowledge: a run
// started under the lock that a live process holds is that process's, and is left alone.
import type { Database } from '../../db/database';
import type { Logger } from '../../logger';
import { RetrainLock } from './retrain-lock';
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
  const sqlite = database.sqlite;
  const marked = sqlite
    .transaction(() => {
      const out: InterruptedRuns[] = [];
      const models = sqlite.prepare<[], { model_name: string }>("SELECT DISTINCT model_name FROM retraining_runs WHERE outcome = 'running' ORDER BY model_name").all();
      for (const { model_name: model } of models) {
        const holder = RetrainLock.holder(database, model);
        // A live holder's own run started after it took the lock; anything older was someone else's.
        const runs = sqlite
          .prepare<{ model: string; since: string | null }, { id: number }>(
            "SELECT id FROM retraining_runs WHERE model_name = @model AND outcome = 'running' AND (@since IS NULL OR started_at < @since) ORDER BY id",
          )
          .all({ model, since: holder?.acquired_at ?? null });
        if (runs.length === 0) continue;
        const finish = sqlite.prepare("UPDATE retraining_runs SET outcome = 'failed', finished_at = ?, error = ?, error_messages = ? WHERE id = ? AND outcome = 'running'");
        const now = new Date().toISOString();
        for (const r of runs) finish.run(now, englishText(INTERRUPTED), JSON.stringify([INTERRUPTED]), r.id);
        out.push({ model, runIds: runs.map((r) => r.id) });
      }
      return out;
    })
    .immediate();
  for (const m of marked) logger.warn(`Marked ${m.runIds.length} interrupted retrain run(s) of ${m.model} as failed (interrupted): the process running them is gone`);
  return marked;
}
