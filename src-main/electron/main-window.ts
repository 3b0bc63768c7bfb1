// The one BrowserWindow: sandboxed renderer with context isolation and no Node, our preload as the
// only bridge. Navigation, new windows and permissions are locked down for every webContents by
// installShellSecurity (./security), registered before this window exists.
import path from 'node:path';
import { BrowserWindow } from 'electron';
import { APP_ORIGIN } from './ipc-bridge';

export function createMainWindow(preload = path.join(__dirname, 'preload.cjs')): BrowserWindow {
  const win = new BrowserWindow({
    width: 1280,
    height: 860,
    minWidth: 960,
    minHeight: 640,
    show: false,
    title: 'OpenFatture',
    backgroundColor: '#0f172a',
    webPreferences: {
      preload,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      spellcheck: false,
    },
  });
  win.once('ready-to-show', () => win.show());
  // Navigation, window.open, <webview> and permissions: the rules of ./security, applied to every webContents.
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}
