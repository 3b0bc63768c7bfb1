import { describe, expect, it } from 'vitest';
import type { RestoreReport } from '../../src-preload/contract/ops-channels';
import { formatBytes, saveRestoredReport, takeRestoredReport } from './backup-store';

function memoryStorage(): Storage {
  const data = new Map<string, string>();
  return {
    get length() {
      return data.size;
    },
    clear: () => data.clear(),
    getItem: (k) => data.get(k) ?? null,
    key: (i) => [...data.keys()][i] ?? null,
    removeItem: (k) => void data.delete(k),
    setItem: (k, v) => void data.set(k, String(v)),
  };
}

const report: RestoreReport = {
  file: '/b/openfatture-backup.tar.gz',
  backupCreatedAt: '2025-05-02T10:00:00.000Z',
  restoredFiles: 3,
  safetyCopy: '/d/.pre-restore/x',
  counts: { invoices: 12, clients: 3, feedback: 1 },
  rowCounts: { invoices: 12 },
  mismatched: [],
  durationMs: 800,
};

describe('backup store logic', () => {
  it('formats sizes in binary units in the UI language', () => {
    expect(formatBytes(820, 'en')).toBe('820 B');
    expect(formatBytes(13_619, 'en')).toBe('13.3 KB');
    expect(formatBytes(13_619, 'it')).toBe('13,3 KB');
    expect(formatBytes(250 * 1024 * 1024, 'en')).toBe('250 MB');
  });

  it('keeps a restore report across one reload, then forgets it', () => {
    const storage = memoryStorage();
    saveRestoredReport(storage, report);
    expect(takeRestoredReport(storage)).toEqual(report);
    expect(takeRestoredReport(storage)).toBeNull();
    storage.setItem('openfatture.restored', '{not json');
    expect(takeRestoredReport(storage)).toBeNull();
    expect(takeRestoredReport(undefined)).toBeNull();
  });
});
