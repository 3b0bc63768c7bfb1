import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { readQueueSnapshot, writeQueueSnapshot } from './queue-snapshot';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-snapshot-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('queue snapshot', () => {
  it('round-trips the pending entries', () => {
    const file = path.join(dir, 'q.json');
    writeQueueSnapshot(file, [{ entityType: 'invoice', entityId: 3, op: 'upsert', changedAt: '2025-01-01T00:00:00.000Z' }]);
    const r = readQueueSnapshot(file);
    expect(r.kind).toBe('ok');
    if (r.kind === 'ok') expect(r.snapshot.entries).toEqual([{ entityType: 'invoice', entityId: 3, op: 'upsert', changedAt: '2025-01-01T00:00:00.000Z' }]);
    expect(fs.readdirSync(dir).filter((f) => f.endsWith('.tmp'))).toEqual([]);
  });

  it('a truncated file is detected and set aside, not fatal', () => {
    const file = path.join(dir, 'trunc.json');
    writeQueueSnapshot(file, [{ entityType: 'client', entityId: 1, op: 'delete', changedAt: 'x' }]);
    const full = fs.readFileSync(file, 'utf8');
    fs.writeFileSync(file, full.slice(0, full.length / 2));
    const r = readQueueSnapshot(file);
    expect(r.kind).toBe('corrupt');
    if (r.kind === 'corrupt') {
      expect(r.reason).toMatch(/not valid JSON/);
      expect(fs.existsSync(r.setAsideAs)).toBe(true);
    }
    expect(fs.existsSync(file)).toBe(false);
  });

  it('valid JSON of the wrong shape names the bad field', () => {
    const file = path.join(dir, 'shape.json');
    fs.writeFileSync(file, JSON.stringify({ version: 1, savedAt: 'x', entries: [{ entityType: 'order', entityId: 1, op: 'upsert', changedAt: 'x' }] }));
    const r = readQueueSnapshot(file);
    expect(r.kind === 'corrupt' && r.reason).toMatch(/entries\.0\.entityType/);
  });

  it('no file is nothing to import', () => {
    expect(readQueueSnapshot(path.join(dir, 'none.json')).kind).toBe('none');
  });
});
