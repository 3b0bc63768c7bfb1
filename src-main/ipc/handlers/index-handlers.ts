// index:* channels → the RAG read model and services (src-main/core/rag): queue status and the
// seed's Monitoring figures, the pending list with failures, recent batches, pause/resume
// (persisted, also when this host runs no auto-update service), full reindex, hybrid search.
import type { App } from '../../core/app';
import { indexOverview, pendingChanges, recentBatches, searchIndex, setAutoIndexingPaused } from '../../core/rag/auto-update-stats';
import type { DomainHandlers, EmitEvent } from '../ipc-router';

const overview = (app: App) => indexOverview(app.rag, app.autoIndexing, app.database.sqlite, app.settings);

export function indexHandlers(app: App, emit: EmitEvent): DomainHandlers<'index'> {
  const setPaused = (paused: boolean) => {
    setAutoIndexingPaused(app.database.sqlite, app.autoIndexing, paused);
    const status = overview(app);
    emit('index:status', status);
    return status;
  };
  return {
    'index:status': () => overview(app),
    'index:pending': ({ limit }) => pendingChanges(app.database.sqlite, app.settings, limit),
    'index:batches': ({ limit }) => ({ items: recentBatches(app.database.sqlite, limit) }),
    'index:pause': () => setPaused(true),
    'index:resume': () => setPaused(false),
    'index:reindex': async ({ entityTypes }) => {
      const r = await app.rag.reindex({ types: entityTypes, owner: 'browser host reindex', onProgress: (p) => emit('index:progress', { step: p.step, current: p.current, total: p.total }) });
      emit('index:status', overview(app));
      return { added: r.added, updated: r.updated, skipped: r.skipped, deleted: r.deleted, failed: r.failed, durationMs: r.durationMs };
    },
    'index:search': ({ query, k }) => searchIndex(app.rag, app.database.sqlite, app.settings, query, k),
  };
}

/** Forwards the auto-update service's progress, batches and state changes as pushes. */
export function bindIndexEvents(app: App, emit: EmitEvent): () => void {
  const service = app.autoIndexing;
  if (!service) return () => undefined;
  const push = (fn: () => void) => {
    try {
      fn();
    } catch (e) {
      app.logger.warn(`index push failed: ${(e as Error).message}`);
    }
  };
  const onProgress = (p: { step: string; current: number; total: number }) => emit('index:progress', { step: p.step, current: p.current, total: p.total });
  const onBatch = () =>
    push(() => {
      const [latest] = recentBatches(app.database.sqlite, 1);
      const status = overview(app);
      if (latest) emit('index:batch', { batch: latest, pending: status.pending });
      emit('index:status', status);
    });
  const onState = () => push(() => emit('index:status', overview(app)));
  service.on('progress', onProgress);
  service.on('batch', onBatch);
  service.on('state', onState);
  return () => {
    service.off('progress', onProgress);
    service.off('batch', onBatch);
    service.off('state', onState);
  };
}
