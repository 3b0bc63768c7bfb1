// `ai rag status|reindex|search` and `ai auto-update status|pending|stats|pause|resume|run`
// (DESIGN §5, §8; the seed's command lines verbatim).
import type { Command } from 'commander';
import cliProgress from 'cli-progress';
import { readPaused, runningAutoIndexing, writePaused } from '../../core/rag/auto-indexing-service';
import { autoUpdateStats as readStats } from '../../core/rag/auto-update-stats';
import { RagOutbox } from '../../core/rag/rag-outbox';
import type { RagEntityType } from '../../core/db/schema';
import { InputError } from '../../core/errors';
import { ExitError, EXIT_FAILURE, parse, printJson, printTable, withApp } from '../context';

const TYPES: RagEntityType[] = ['invoice', 'client', 'product'];

function parseTypes(v: string): RagEntityType[] {
  const types = v.split(',').map((t) => t.trim().toLowerCase()).filter(Boolean);
  const bad = types.filter((t) => !TYPES.includes(t as RagEntityType));
  if (bad.length || types.length === 0) throw new InputError(`--type: expected a comma-separated list of ${TYPES.join(', ')}, got "${v}"`, '--type');
  return types as RagEntityType[];
}

const pct = (v: number | null) => (v === null ? 'n/a' : `${(v * 100).toFixed(1)}%`);
const secs = (ms: number | null) => (ms === null ? 'n/a' : `${(ms / 1000).toFixed(2)}s`);

function printRows(rows: { label: string; value: unknown }[]): void {
  printTable(rows, [
    { header: 'Metric', value: (r) => r.label },
    { header: 'Value', value: (r) => String(r.value ?? '') },
  ]);
}

export function registerRagCommands(ai: Command): void {
  const rag = ai.command('rag').description('the assistant knowledge index: status, full reindex, hybrid search');

  rag
    .command('status')
    .description('documents per type, embedding model, vector index size, last reindex')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const st = app.rag.status();
        if (opts.json) return printJson(st);
        process.stdout.write('Documents\n');
        printTable(st.documents, [
          { header: 'Type', value: (r) => r.type },
          { header: 'Documents', value: (r) => r.documents, align: 'right' },
          { header: 'Embedded', value: (r) => r.embedded, align: 'right' },
          { header: 'Awaiting embedding', value: (r) => r.pendingEmbedding, align: 'right' },
        ]);
        process.stdout.write('\n');
        printRows([
          { label: 'Tracked types', value: st.trackedTypes.join(', ') || '(none)' },
          { label: 'Embedding provider', value: st.model.provider },
          { label: 'Embedding model', value: st.model.model },
          { label: 'Model location', value: st.model.localCopy ?? 'not found locally (downloads from the model hub on first use)' },
          { label: 'Vector index file', value: st.index.file },
          { label: 'Vector index size', value: st.index.bytes === null ? '(not written yet)' : `${st.index.vectors} vectors, ${(st.index.bytes / 1024).toFixed(0)} KiB` },
          { label: 'Vector index up to date', value: st.index.upToDate ? 'yes' : `no (rebuilt from stored embeddings on next use)` },
          { label: 'HNSW settings', value: st.index.hnsw ? `M=${st.index.hnsw.m}, efConstruction=${st.index.hnsw.efConstruction}, efSearch=${st.index.hnsw.efSearch}` : 'n/a' },
          {
            label: 'Last reindex',
            value: st.lastReindex
              ? `${st.lastReindex.at}: ${st.lastReindex.added} added, ${st.lastReindex.updated} updated, ${st.lastReindex.skipped} skipped, ${st.lastReindex.deleted} deleted, ${st.lastReindex.failed} failed`
              : 'never',
          },
          { label: 'Last auto-update batch', value: st.lastBatchAt ?? 'never' },
        ]);
      });
    });

  rag
    .command('reindex')
    .description('reindex everything (idempotent: unchanged documents are skipped), with a progress bar')
    .option('--type <types>', 'only these entity types (comma-separated: invoice,client,product)', parseTypes)
    .option('--json', 'print the counts as JSON')
    .action(async (opts: { type?: RagEntityType[]; json?: boolean }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        // On stderr, so `--json` output on stdout stays machine-readable; without a TTY it prints a line every 2 s.
        const bar = new cliProgress.SingleBar(
          { format: 'Reindexing [{bar}] {percentage}% | {value}/{total} entities | ETA {eta}s', stream: process.stderr, hideCursor: true, noTTYOutput: true, notTTYSchedule: 2000 },
          cliProgress.Presets.shades_classic,
        );
        let started = false;
        const r = await app.rag.reindex({
          types: opts.type,
          owner: 'ai rag reindex',
          onProgress: (p) => {
            if (!started) {
              bar.start(p.total, p.current);
              started = true;
            } else bar.update(p.current);
          },
        });
        if (started) bar.stop();
        const saved = r.indexFileWritten;
        const st = app.rag.embedder.status();
        const result = { entities: r.entities, added: r.added, updated: r.updated, skipped: r.skipped, deleted: r.deleted, failed: r.failed, embeddingPending: r.embeddingPending, seconds: r.durationMs / 1000, indexFileWritten: saved, model: st };
        if (opts.json) printJson(result);
        else {
          process.stdout.write(`Reindexed ${r.entities} entities in ${result.seconds.toFixed(1)}s: ${r.added} added, ${r.updated} updated, ${r.skipped} skipped, ${r.deleted} deleted, ${r.failed} failed\n`);
          if (r.embeddingPending) process.stdout.write(`${r.embeddingPending} documents are searchable by keyword only: ${app.rag.embedder.unavailableMessage()}\n`);
          if (!saved) process.stdout.write('The running auto-update service owns the vector index file; it resynchronises from the database.\n');
        }
        if (r.failed) throw new ExitError(EXIT_FAILURE, `${r.failed} entities failed: ${r.failures.slice(0, 5).map((f) => `${f.type} ${f.id}: ${f.error}`).join('; ')}`);
      });
    });

  rag
    .command('search')
    .description('hybrid search (exact identifiers + FTS5 keywords + HNSW vectors, fused by reciprocal rank)')
    .argument('<query>', 'what to look for, e.g. "12/2025", a client name, "consulenza sito web"')
    .option('--k <n>', 'number of hits', parse.int('--k', 1, 100), 5)
    .option('--type <types>', 'only these entity types (comma-separated: invoice,client,product)', parseTypes)
    .option('--mode <mode>', 'hybrid (default), keyword or vector', (v: string) => {
      if (!['hybrid', 'keyword', 'vector'].includes(v)) throw new InputError(`--mode: expected hybrid, keyword or vector, got "${v}"`, '--mode');
      return v as 'hybrid' | 'keyword' | 'vector';
    })
    .option('--json', 'print as JSON')
    .action(async (query: string, opts: { k: number; type?: RagEntityType[]; mode?: 'hybrid' | 'keyword' | 'vector'; json?: boolean }, cmd: Command) => {
      if (!query.trim()) throw new InputError('query: must not be empty', 'query');
      await withApp(cmd, async (app) => {
        const hits = await app.rag.retriever.search(query, { k: opts.k, types: opts.type, mode: opts.mode });
        const model = app.rag.embedder.status();
        const note = model.state === 'unavailable' ? app.rag.embedder.unavailableMessage() : null;
        if (opts.json) return printJson({ query, k: opts.k, hits, note });
        if (note) process.stderr.write(`WARN  | ${note}\n`);
        printTable(
          hits.map((h, i) => ({ ...h, rank: i + 1, title: h.text.split('\n')[0]! })),
          [
            { header: '#', value: (r) => r.rank, align: 'right' },
            { header: 'Score', value: (r) => r.score.toFixed(4), align: 'right' },
            { header: 'Found by', value: (r) => r.foundBy.join('+') },
            { header: 'Type', value: (r) => r.entityType },
            { header: 'Id', value: (r) => r.entityId, align: 'right' },
            { header: 'Document', value: (r) => (r.title.length > 90 ? r.title.slice(0, 89) + '…' : r.title) },
          ],
          'No matching documents (run `openfatture ai rag reindex` if the index is empty).',
        );
      });
    });

  const au = ai.command('auto-update').description('the RAG auto-update queue: status, pending changes, statistics, pause/resume');

  au.command('status')
    .description('is auto-update enabled, running, paused; pending changes; settings')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const s = app.settings;
        const svc = runningAutoIndexing(app.database.sqlite);
        const stats = readStats(app.database.sqlite, app.settings);
        const status = {
          enabled: s.RAG_AUTO_UPDATE_ENABLED,
          running: svc !== null,
          servicePid: svc?.pid ?? null,
          paused: readPaused(app.database.sqlite),
          pending: stats.pending,
          failing: stats.failing,
          lastBatchAt: stats.lastBatchAt,
          settings: {
            batchSize: s.RAG_AUTO_UPDATE_BATCH_SIZE,
            debounceSeconds: s.RAG_AUTO_UPDATE_DEBOUNCE_SECONDS,
            maxWaitSeconds: s.RAG_AUTO_UPDATE_MAX_WAIT_SECONDS,
            maxQueueSize: s.RAG_AUTO_UPDATE_MAX_QUEUE_SIZE,
            maxConcurrentUpdates: s.RAG_AUTO_UPDATE_MAX_CONCURRENT_UPDATES,
            trackInvoices: s.RAG_AUTO_UPDATE_TRACK_INVOICES,
            trackClients: s.RAG_AUTO_UPDATE_TRACK_CLIENTS,
            trackProducts: s.RAG_AUTO_UPDATE_TRACK_PRODUCTS,
            incrementalUpdates: s.RAG_AUTO_UPDATE_INCREMENTAL_UPDATES,
            deleteOnRemoval: s.RAG_AUTO_UPDATE_DELETE_ON_REMOVAL,
            asyncProcessing: s.RAG_AUTO_UPDATE_ASYNC_PROCESSING,
            persistQueueOnShutdown: s.RAG_AUTO_UPDATE_PERSIST_QUEUE_ON_SHUTDOWN,
            queuePersistPath: app.paths.queuePersistPath,
          },
        };
        if (opts.json) return printJson(status);
        printRows([
          { label: 'Auto-update', value: status.enabled ? 'enabled' : 'disabled (OPENFATTURE_RAG_AUTO_UPDATE_ENABLED=false)' },
          { label: 'Service', value: svc ? `running (pid ${svc.pid}, since ${svc.startedAt})` : 'not running in any process' },
          { label: 'Paused', value: status.paused ? 'yes (changes keep accumulating)' : 'no' },
          { label: 'Pending changes', value: status.pending },
          { label: 'Failing (retrying with backoff)', value: status.failing },
          { label: 'Last batch', value: status.lastBatchAt ?? 'never' },
          { label: 'Batch size', value: status.settings.batchSize },
          { label: 'Debounce', value: `${status.settings.debounceSeconds}s (max wait ${status.settings.maxWaitSeconds}s)` },
          { label: 'Tracked', value: [s.RAG_AUTO_UPDATE_TRACK_INVOICES && 'invoices', s.RAG_AUTO_UPDATE_TRACK_CLIENTS && 'clients', s.RAG_AUTO_UPDATE_TRACK_PRODUCTS && 'products'].filter(Boolean).join(', ') || '(none)' },
        ]);
      });
    });

  au.command('pending')
    .description('the pending changes (coalesced per entity), with attempts and errors of failing ones')
    .option('--limit <n>', 'at most this many rows', parse.int('--limit', 1, 1_000_000), 50)
    .option('--json', 'print as JSON')
    .action(async (opts: { limit: number; json?: boolean }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const outbox = new RagOutbox(app.database.sqlite, () => app.settings);
        const rows = outbox.list(opts.limit);
        const total = outbox.counts().total;
        if (opts.json) return printJson({ total, shown: rows.length, pending: rows });
        process.stdout.write(`${total} pending change(s)${rows.length < total ? `, showing ${rows.length}` : ''}\n`);
        printTable(rows, [
          { header: 'Type', value: (r) => r.type },
          { header: 'Id', value: (r) => r.id, align: 'right' },
          { header: 'Op', value: (r) => r.op },
          { header: 'Changes', value: (r) => r.changes, align: 'right' },
          { header: 'Since', value: (r) => r.firstChangedAt },
          { header: 'Attempts', value: (r) => r.attempts, align: 'right' },
          { header: 'Next attempt', value: (r) => r.nextAttemptAt ?? '' },
          { header: 'Last error', value: (r) => r.lastError ?? '' },
        ], '(no pending changes)');
      });
    });

  au.command('stats')
    .description('pending, processed, success rate, average batch time, queue size vs max')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        const st = readStats(app.database.sqlite, app.settings);
        if (opts.json) return printJson(st);
        printRows([
          { label: 'Pending changes', value: st.pending },
          { label: 'Processed entities', value: st.processed },
          { label: 'Batches', value: st.batches },
          { label: 'Success rate', value: pct(st.successRate) },
          { label: 'Average batch time', value: secs(st.averageBatchMs) },
          { label: 'Queue size', value: `${st.queueSize} / ${st.maxQueueSize}` },
          { label: 'Failing (retrying)', value: st.failing },
          { label: 'Last batch', value: st.lastBatchAt ?? 'never' },
          { label: 'Last error', value: st.lastError ?? 'none' },
        ]);
      });
    });

  au.command('pause')
    .description('pause auto-update (persisted; changes keep accumulating)')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        writePaused(app.database.sqlite, true);
        if (opts.json) printJson({ paused: true });
        else process.stdout.write('RAG auto-update paused; changes keep accumulating until `openfatture ai auto-update resume`.\n');
      });
    });

  au.command('resume')
    .description('resume auto-update')
    .option('--json', 'print as JSON')
    .action(async (opts: { json?: boolean }, cmd: Command) => {
      await withApp(cmd, async (app) => {
        writePaused(app.database.sqlite, false);
        const pending = new RagOutbox(app.database.sqlite, () => app.settings).counts().total;
        if (opts.json) printJson({ paused: false, pending });
        else process.stdout.write(`RAG auto-update resumed; ${pending} pending change(s) will be processed.\n`);
      });
    });

  au.command('run')
    .description('run the auto-indexing service in the foreground until Ctrl-C (headless machines, scripts)')
    .action(async (_opts: unknown, cmd: Command) => {
      await withApp(
        cmd,
        async (app) => {
          if (!app.autoIndexing) throw new ExitError(EXIT_FAILURE, 'RAG auto-update is disabled: set OPENFATTURE_RAG_AUTO_UPDATE_ENABLED=true');
          process.stderr.write(`Auto-indexing service running (pid ${process.pid}); Ctrl-C to stop.\n`);
          await new Promise<void>((resolve) => {
            process.once('SIGINT', resolve);
            process.once('SIGTERM', resolve);
          });
        },
        { background: true },
      );
    });
}
