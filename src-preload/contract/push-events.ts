// Pushes from main to the renderer: one typed map, delivered over the Electron bridge or the
// browser host's WebSocket alike.
import { z } from 'zod';
import { IndexBatch, IndexStatus } from './index-channels';
import { BackupCounts } from './ops-channels';

export const Progress = z.object({ step: z.string(), current: z.number(), total: z.number() });

export const events = {
  'index:progress': Progress,
  'index:batch': z.object({ batch: IndexBatch, pending: z.number().int().min(0) }),
  'index:status': IndexStatus,
  'retrain:progress': Progress.extend({ model: z.string() }),
  'models:deployed': z.object({
    model: z.string(),
    version: z.string(),
    previousVersion: z.string().nullable(),
    reason: z.enum(['retrain', 'rollback']),
  }),
  'settings:changed': z.object({ keys: z.array(z.string()) }),
  /** Backup and restore steps (restore: verify → stop → files → reopen). */
  'ops:progress': Progress.extend({ operation: z.enum(['backup', 'restore']) }),
  /** The app now runs on restored data: every window reloads what it shows. */
  'ops:restored': z.object({ file: z.string(), counts: BackupCounts }),
  /** A dry run or import of the Import page: collecting, reading, importing. */
  'import:progress': Progress.extend({ sessionId: z.string(), operation: z.enum(['analyze', 'run']) }),
} as const;

export type EventName = keyof typeof events;
export type EventPayload<E extends EventName> = z.infer<(typeof events)[E]>;
export const EVENT_NAMES = Object.keys(events) as EventName[];
