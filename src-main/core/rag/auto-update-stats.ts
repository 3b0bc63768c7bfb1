// The seed's Monitoring metrics for RAG auto-update, read from the database so any process (the CLI
// next to a running app, the GUI, `ai status`) sees the same figures: pending changes, processed
// entities, success rate, average batch time, queue size against the maximum.
import type BetterSqlite3 from 'better-sqlite3';
import type { Settings } from '../config/settings';
import { readPaused, SERVICE_KEY } from './auto-indexing-service';
import { ChangeTracker } from './change-tracker';

export interface AutoUpdateStats {
  pending: number;
  due: number;
  failing: number;
  processed: number;
  batches: number;
  failedEntities: number;
  successRate: number | null;
  averageBatchMs: number | null;
  queueSize: number;
  maxQueueSize: number;
  lastBatchAt: string | null;
  lastError: string | null;
}

export function autoUpdateStats(sqlite: BetterSqlite3.Database, settings: Settings): AutoUpdateStats {
  const c = new ChangeTracker(sqlite, () => settings).counts();
  const b = sqlite
    .prepare<[], { batches: number; entities: number | null; failed: number | null; avg: number | null; last: string | null }>(
      'SELECT COUNT(*) AS batches, SUM(entities) AS entities, SUM(failed) AS failed, AVG(duration_ms) AS avg, MAX(finished_at) AS last FROM reindex_batches',
    )
    .get()!;
  const lastErr = sqlite.prepare<[], { error: string }>('SELECT error FROM reindex_batches WHERE error IS NOT NULL ORDER BY id DESC LIMIT 1').get();
  const processed = b.entities ?? 0;
  return {
    pending: c.total,
    due: c.due,
    failing: c.failing,
    processed,
    batches: b.batches,
    failedEntities: b.failed ?? 0,
    successRate: processed ? (processed - (b.failed ?? 0)) / processed : null,
    averageBatchMs: b.avg,
    queueSize: c.total,
    maxQueueSize: settings.RAG_AUTO_UPDATE_MAX_QUEUE_SIZE,
    lastBatchAt: b.last,
    lastError: lastErr?.error ?? null,
  };
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** The auto-indexing service running on this data dir (in any process), if any. */
export function runningAutoIndexing(sqlite: BetterSqlite3.Database): { pid: number; startedAt: string } | null {
  const row = sqlite.prepare<[string], { value: string }>('SELECT value FROM app_state WHERE key = ?').get(SERVICE_KEY);
  if (!row) return null;
  const v = JSON.parse(row.value) as { pid: number; startedAt: string };
  return pidAlive(v.pid) ? v : null;
}

const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`);

/** The "RAG auto-update" section of `ai status`. */
export function ragAutoUpdateStatusSection(sqlite: BetterSqlite3.Database, settings: Settings): { id: string; title: string; rows: { label: string; value: string | number | boolean | null }[] } {
  const st = autoUpdateStats(sqlite, settings);
  const svc = runningAutoIndexing(sqlite);
  const docs = sqlite.prepare<[], { n: number; e: number | null }>('SELECT COUNT(*) AS n, SUM(embedding IS NOT NULL) AS e FROM rag_documents').get()!;
  return {
    id: 'rag-auto-update',
    title: 'RAG auto-update',
    rows: [
      { label: 'Enabled', value: settings.RAG_AUTO_UPDATE_ENABLED },
      { label: 'Service', value: svc ? `running (pid ${svc.pid})` : 'not running' },
      { label: 'Paused', value: readPaused(sqlite) },
      { label: 'Pending changes', value: st.pending },
      { label: 'Processed entities', value: st.processed },
      { label: 'Success rate', value: pct(st.successRate) },
      { label: 'Average batch time', value: st.averageBatchMs === null ? 'n/a' : `${(st.averageBatchMs / 1000).toFixed(2)}s` },
      { label: 'Queue size', value: `${st.queueSize} / ${st.maxQueueSize}` },
      { label: 'Failing (retrying)', value: st.failing },
      { label: 'Indexed documents', value: `${docs.n} (${docs.e ?? 0} with embeddings)` },
      { label: 'Last batch', value: st.lastBatchAt ?? 'never' },
    ],
  };
}
