// ipcMain side of the contract: ONE handler for every request channel, which refuses any sender frame
// that is not our own page (a navigated or injected frame gets FORBIDDEN), then hands the request to
// the router (which validates the arguments). Pushes go to every window of ours.
import { BrowserWindow, ipcMain, type WebFrameMain } from 'electron';
import { IPC_EVENT, IPC_INVOKE } from '../../src-preload/contract/bridge-api';
import { fail } from '../../src-preload/contract/result';
import type { RequestRouter } from '../ipc/ipc-router';

export const APP_ORIGIN = 'app://openfatture';

export function isTrustedFrame(frame: WebFrameMain | null | undefined): boolean {
  if (!frame) return false;
  try {
    const url = new URL(frame.url);
    return `${url.protocol}//${url.host}` === APP_ORIGIN && frame.parent === null;
  } catch {
    return false;
  }
}

export function registerIpc(router: RequestRouter): () => void {
  ipcMain.handle(IPC_INVOKE, async (event, channel: unknown, args: unknown) => {
    if (!isTrustedFrame(event.senderFrame)) return fail('FORBIDDEN', `sender: ${event.senderFrame?.url ?? 'unknown frame'} may not call OpenFatture`);
    return router.invoke(channel, args);
  });
  const unsubscribe = router.onEvent((event, payload) => {
    for (const win of BrowserWindow.getAllWindows()) {
      if (!win.isDestroyed() && isTrustedFrame(win.webContents.mainFrame)) win.webContents.send(IPC_EVENT, event, payload);
    }
  });
  return () => {
    ipcMain.removeHandler(IPC_INVOKE);
    unsubscribe();
  };
}
