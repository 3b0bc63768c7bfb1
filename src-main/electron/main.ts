// Electron main process entry (bundled to dist-electron/main.cjs): one instance per user, the core
// App with background services on the user's data folder behind an AppSession (which also restores
// a backup into it from Settings → Data), the shell's security rules, the IPC bridge, the window and
// the menu.
// Quitting stops everything in order (queue persisted, scheduler, worker, database) before exit.
import path from 'node:path';
import { app, BrowserWindow, dialog, session, shell } from 'electron';
import ElectronStore from 'electron-store';
import { loadSettings } from '../core/config/load';
import { settingsStoreFrom } from '../core/config/settings-store';
import { errorMessage } from '../core/errors';
import { AppSession } from '../ipc/app-session';
import { installAppMenu } from './app-menu';
import { registerAppScheme, serveRenderer } from './app-protocol';
import { APP_ORIGIN, registerIpc } from './ipc-bridge';
import { createMainWindow } from './main-window';
import { nativeDialogs } from './native-dialogs';
import { installShellSecurity } from './security';
import { utilityWorkerSpawner } from './utility-worker';

let core: AppSession | null = null;
let unregisterIpc: (() => void) | null = null;
let window: BrowserWindow | null = null;
let stopped = false;

async function startCore(): Promise<AppSession> {
  // The data folder: OPENFATTURE_DATA_DIR when set, otherwise Electron's per-user folder.
  const flags = process.env.OPENFATTURE_DATA_DIR ? {} : { DATA_DIR: app.getPath('userData') };
  const settings = loadSettings({
    env: process.env,
    flags,
    store: (dataDir) => settingsStoreFrom(new ElectronStore<Record<string, unknown>>({ cwd: dataDir, name: 'settings' })),
  });
  return AppSession.open({ settings, host: 'electron', background: true, spawnWorker: utilityWorkerSpawner(), consoleLevel: 'info' }, { version: app.getVersion(), dialogs: nativeDialogs() });
}

async function onReady(): Promise<void> {
  // First, before any window or webContents exists: permissions denied, navigation and windows locked down.
  installShellSecurity({ app, session: session.defaultSession, shell }, { appOrigin: APP_ORIGIN });
  try {
    core = await startCore();
  } catch (e) {
    dialog.showErrorBox('OpenFatture could not start', errorMessage(e));
    app.exit(1);
    return;
  }
  unregisterIpc = registerIpc(core);
  serveRenderer(path.join(__dirname, '..', 'dist-renderer'));
  installAppMenu({ dataDir: core.app.paths.dataDir, logsDir: core.app.paths.logsDir });
  window = createMainWindow();
  window.on('closed', () => (window = null));
}

async function stopCore(): Promise<void> {
  unregisterIpc?.();
  await core?.close();
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  registerAppScheme();
  app.on('second-instance', () => {
    if (!window) return;
    if (window.isMinimized()) window.restore();
    window.focus();
  });
  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
  app.on('activate', () => {
    if (core && BrowserWindow.getAllWindows().length === 0) window = createMainWindow();
  });
  // Quit waits for an orderly stop of the core (DESIGN §7), then quits for real.
  app.on('before-quit', (event) => {
    if (stopped) return;
    event.preventDefault();
    stopped = true;
    void stopCore()
      .catch((e: unknown) => core?.logger.error(`Error while stopping: ${errorMessage(e)}`))
      .finally(() => app.quit());
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) process.once(sig, () => app.quit());
  app.whenReady().then(onReady, (e: unknown) => {
    dialog.showErrorBox('OpenFatture could not start', errorMessage(e));
    app.exit(1);
  });
}
