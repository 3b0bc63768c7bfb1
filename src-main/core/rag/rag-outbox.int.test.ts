import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultSettings } from '../config/settings';
import { openDatabase, type Database } from '../db/database';
import { RagOutbox } from './rag-outbox';

describe('RagOutbox: deferred derived refreshes and backoff', () => {
  let d: Database;
  let dir: string;
  let tracker: RagOutbox;
  const t0 = new Date('2026-03-01T10:00:00.000Z');
  const at = (s: number) => new Date(t0.getTime() + s * 1000);
  const deferred = (id: number, untilS: number) =>
    d.sqlite.prepare("INSERT INTO rag_changes(entity_type, entity_id, op, next_attempt_at) VALUES ('client', ?, 'upsert', ?)").run(id, at(untilS).toISOString());
  const direct = (id: number) => d.sqlite.prepare("INSERT INTO rag_changes(entity_type, entity_id, op) VALUES ('client', ?, 'upsert')").run(id);
  const taken = (o: { now: Date; ignoreDeferral?: boolean }) => tracker.take(10, new Set(), o).map((e) => e.id);

  beforeEach(() => {
    dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-tracker-'));
    d = openDatabase(path.join(dir, 'openfatture.db'));
    tracker = new RagOutbox(d.sqlite, defaultSettings);
  });
  afterEach(async () => {
    await d.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('a deferred refresh is pending but not due until its time; a flush takes it at once', () => {
    deferred(7, 5);
    expect(tracker.counts(at(0))).toEqual({ total: 1, due: 0, failing: 0 });
    expect(taken({ now: at(0) })).toEqual([]);
    expect(taken({ now: at(0), ignoreDeferral: true })).toEqual([7]);
    expect(taken({ now: at(5) })).toEqual([7]);
    expect(tracker.counts(at(5)).due).toBe(1);
  });

  it('a direct change to the same entity is due at once, coalesced with the deferred refresh', () => {
    deferred(7, 5);
    direct(7);
    const [e] = tracker.take(10, new Set(), { now: at(0) });
    expect(e).toMatchObject({ type: 'client', id: 7, changes: 2 });
    tracker.ack([e!]);
    expect(tracker.counts(at(0)).total).toBe(0);
  });

  it('a failed entity keeps its backoff even when a fresh change arrives, and a flush does not bypass it', () => {
    direct(3);
    const [e] = tracker.take(10, new Set(), { now: at(0) });
    tracker.fail([e!], 'worker crashed', at(0).getTime()); // first retry after 1 s
    direct(3);
    expect(taken({ now: at(0.5), ignoreDeferral: true })).toEqual([]);
    expect(tracker.counts(at(0.5))).toEqual({ total: 1, due: 0, failing: 1 });
    expect(tracker.take(10, new Set(), { now: at(1.5) })).toEqual([expect.objectContaining({ id: 3, attempts: 1, lastError: 'worker crashed', changes: 2 })]);
  });
});
