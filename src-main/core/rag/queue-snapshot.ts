// PERSIST_QUEUE_ON_SHUTDOWN / QUEUE_PERSIST_PATH (DESIGN §5): the pending changes written as JSON on
// shutdown (atomically: temp file, fsync, rename) and re-imported at startup. The outbox in SQLite
// already survives restarts; the snapshot matters after restoring a database from a backup. A
// truncated or corrupt file is set aside (renamed), never fatal.
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { formatZodIssues } from '../errors';
import { writeFileAtomic } from '../fs/atomic-file';

const EntrySchema = z.object({
  entityType: z.enum(['invoice', 'client', 'product']),
  entityId: z.number().int().positive(),
  op: z.enum(['upsert', 'delete']),
  changedAt: z.string().min(1),
});

export const QueueSnapshotSchema = z.object({
  version: z.literal(1),
  savedAt: z.string(),
  entries: z.array(EntrySchema),
});

export type QueueSnapshot = z.infer<typeof QueueSnapshotSchema>;
export type QueueSnapshotEntry = z.infer<typeof EntrySchema>;

export function writeQueueSnapshot(file: string, entries: QueueSnapshotEntry[]): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const snapshot: QueueSnapshot = { version: 1, savedAt: new Date().toISOString(), entries };
  writeFileAtomic(file, JSON.stringify(snapshot, null, 2));
}

export type ReadSnapshotResult =
  | { kind: 'none' }
  | { kind: 'ok'; snapshot: QueueSnapshot }
  | { kind: 'corrupt'; reason: string; setAsideAs: string };

/** Reads the snapshot; a corrupt one is renamed to `<file>.corrupt-<time>` and reported. */
export function readQueueSnapshot(file: string): ReadSnapshotResult {
  let raw: string;
  try {
    raw = fs.readFileSync(file, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return { kind: 'none' };
    throw e;
  }
  let reason: string;
  try {
    const parsed = QueueSnapshotSchema.safeParse(JSON.parse(raw));
    if (parsed.success) return { kind: 'ok', snapshot: parsed.data };
    reason = formatZodIssues(parsed.error.issues, 'snapshot');
  } catch (e) {
    reason = `not valid JSON (${(e as Error).message})`;
  }
  const setAsideAs = `${file}.corrupt-${new Date().toISOString().replace(/[:.]/g, '-')}`;
  fs.renameSync(file, setAsideAs);
  return { kind: 'corrupt', reason, setAsideAs };
}
