// Settings → Data: the backups folder (ops:listBackups), Create backup and Restore with live progress
// from ops:progress. A finished restore reloads the page, so every store shows the restored data; its
// report survives the reload in sessionStorage and the section shows it. Other windows reload when
// main announces ops:restored. A file outside the backups folder can only be named through the
// desktop host's own dialogs (ops:chooseBackupFile / ops:chooseRestoreFile): main refuses any other
// path the page sends, so the browser host offers the backups folder only.
import { create } from 'zustand';
import type { ChannelResult } from '../../src-preload/contract/channels';
import type { BackupEntry, RestoreReport } from '../../src-preload/contract/ops-channels';
import { formatNumber } from '../format/money';
import { call, emptySlice, errorText, subscribe, type Slice } from './call';

export type BackupResult = ChannelResult<'ops:backup'>;
export interface OpsProgress {
  step: string;
  current: number;
  total: number;
}

const RESTORED_KEY = 'openfatture.restored';

/** Whether the host can show native file dialogs (the desktop app); the browser host cannot. */
export function hostHasFileDialogs(): boolean {
  return typeof window !== 'undefined' && window.openfatture?.host === 'electron';
}

/** "820 B", "12,4 KB", "3.1 MB": sizes in binary units, numbers in the UI language. */
export function formatBytes(bytes: number, lang: string): string {
  const units = ['B', 'KB', 'MB', 'GB', 'TB'];
  let n = bytes;
  let u = 0;
  while (n >= 1024 && u < units.length - 1) {
    n /= 1024;
    u++;
  }
  return `${u === 0 ? String(n) : formatNumber(n, lang, n >= 100 ? 0 : 1)} ${units[u]}`;
}

/** Keeps a restore's report across the page reload that follows it. */
export function saveRestoredReport(storage: Storage | undefined, report: RestoreReport): void {
  try {
    storage?.setItem(RESTORED_KEY, JSON.stringify(report));
  } catch {
    // no session storage (private mode): the reload still shows the restored data
  }
}

/** The report saved before the reload, once (it is removed as it is read). */
export function takeRestoredReport(storage: Storage | undefined): RestoreReport | null {
  try {
    const raw = storage?.getItem(RESTORED_KEY);
    if (!raw) return null;
    storage?.removeItem(RESTORED_KEY);
    const parsed = JSON.parse(raw) as RestoreReport;
    return parsed && typeof parsed === 'object' && parsed.counts ? parsed : null;
  } catch {
    return null;
  }
}

function sessionStore(): Storage | undefined {
  try {
    return typeof window === 'undefined' ? undefined : window.sessionStorage;
  } catch {
    return undefined;
  }
}

interface BackupState {
  list: Slice<{ folder: string; items: BackupEntry[] }>;
  creating: boolean;
  backupProgress: OpsProgress | null;
  lastBackup: BackupResult | null;
  backupError: string | null;
  /** The file being restored from this window, or null. */
  restoring: string | null;
  restoreProgress: OpsProgress | null;
  restoreError: { file: string; message: string } | null;
  /** The last restore's report, shown after the reload. */
  restored: RestoreReport | null;
  load: () => Promise<void>;
  /** Without `output`: a new file in the backups folder. */
  createBackup: (output?: string) => Promise<void>;
  /** The host's save dialog, then a backup to the chosen file (nothing when cancelled). */
  saveBackupAs: () => Promise<void>;
  /** The host's open dialog: the chosen backup file, or null when cancelled or refused (the reason in restoreError). */
  chooseRestoreFile: () => Promise<string | null>;
  restore: (file: string) => Promise<boolean>;
  clearRestored: () => void;
}

export const useBackupStore = create<BackupState>((set, get) => ({
  list: emptySlice(),
  creating: false,
  backupProgress: null,
  lastBackup: null,
  backupError: null,
  restoring: null,
  restoreProgress: null,
  restoreError: null,
  restored: takeRestoredReport(sessionStore()),
  load: async () => {
    set((s) => ({ list: { ...s.list, loading: true } }));
    try {
      const data = await call('ops:listBackups', {});
      set({ list: { data, loading: false, error: null } });
    } catch (e) {
      set((s) => ({ list: { ...s.list, loading: false, error: errorText(e) } }));
    }
  },
  createBackup: async (output) => {
    if (get().creating) return;
    set({ creating: true, backupProgress: null, backupError: null, lastBackup: null });
    try {
      const result = await call('ops:backup', output ? { output } : {});
      set({ lastBackup: result });
    } catch (e) {
      set({ backupError: errorText(e) });
    } finally {
      set({ creating: false, backupProgress: null });
    }
    await get().load();
  },
  saveBackupAs: async () => {
    if (get().creating) return;
    let file: string | null;
    try {
      file = (await call('ops:chooseBackupFile', {})).file;
    } catch (e) {
      set({ backupError: errorText(e) });
      return;
    }
    if (file) await get().createBackup(file);
  },
  chooseRestoreFile: async () => {
    set({ restoreError: null });
    try {
      return (await call('ops:chooseRestoreFile', {})).file;
    } catch (e) {
      set({ restoreError: { file: '', message: errorText(e) } });
      return null;
    }
  },
  restore: async (file) => {
    if (get().restoring) return false;
    set({ restoring: file, restoreProgress: null, restoreError: null, restored: null });
    try {
      const report = await call('ops:restore', { file });
      saveRestoredReport(sessionStore(), report);
      // Every page and store starts over on the restored data.
      window.location.reload();
      return true;
    } catch (e) {
      set({ restoring: null, restoreProgress: null, restoreError: { file, message: errorText(e) } });
      void get().load();
      return false;
    }
  },
  clearRestored: () => set({ restored: null }),
}));

/** Progress pushes for the section; returns the unsubscribe function. */
export function watchBackups(): () => void {
  const store = useBackupStore;
  void store.getState().load();
  return subscribe('ops:progress', (p) => {
    const progress = { step: p.step, current: p.current, total: p.total };
    if (p.operation === 'backup' && store.getState().creating) store.setState({ backupProgress: progress });
    if (p.operation === 'restore' && store.getState().restoring) store.setState({ restoreProgress: progress });
  });
}

/** A restore started in another window replaced the data under this one: start over on it. */
export function watchRestores(): () => void {
  return subscribe('ops:restored', () => {
    if (!useBackupStore.getState().restoring) window.location.reload();
  });
}
