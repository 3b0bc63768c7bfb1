// The one BrowserWindow: sandboxed renderer with context isolation and no Node, our preload as the
// only bridge, navigation and new windows blocked (https links open in the system browser).
import path from 'node:path';
import { BrowserWindow, shell } from 'electron';
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
  const contents = win.webContents;
  contents.on('will-navigate', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  // Permissions (camera, notifications, …) are never needed by the app.
  contents.session.setPermissionRequestHandler((_wc, _perm, cb) => cb(false));
  void win.loadURL(`${APP_ORIGIN}/index.html`);
  return win;
}
