// The desktop host's native file dialogs behind ops:chooseBackupFile / ops:chooseRestoreFile. The
// path the user picks here is granted to the renderer for one operation (see core/fs/path-grants):
// the dialog, not the page, decides which file outside the backups folder may be written or read.
import { BrowserWindow, dialog, type FileFilter } from 'electron';
import type { FileDialogOptions, HostDialogs } from '../ipc/handlers/ops-handlers';

function filters(options: FileDialogOptions): FileFilter[] {
  return [{ name: options.filterName, extensions: options.extensions }];
}

/** Dialogs attached to the focused window of ours (modal to it), or free-standing when none has focus. */
export function nativeDialogs(): HostDialogs {
  const parent = () => BrowserWindow.getFocusedWindow() ?? BrowserWindow.getAllWindows()[0] ?? null;
  return {
    async chooseSaveFile(options) {
      const opts: Electron.SaveDialogOptions = {
        title: options.title,
        defaultPath: options.defaultPath,
        filters: filters(options),
        // Linux asks before replacing only when told to; macOS and Windows always ask.
        properties: ['createDirectory', 'showOverwriteConfirmation', 'dontAddToRecent'],
      };
      const win = parent();
      const r = await (win ? dialog.showSaveDialog(win, opts) : dialog.showSaveDialog(opts));
      return r.canceled || !r.filePath ? null : r.filePath;
    },
    async chooseOpenFile(options) {
      const opts: Electron.OpenDialogOptions = {
        title: options.title,
        defaultPath: options.defaultPath,
        filters: filters(options),
        properties: ['openFile', 'dontAddToRecent'],
      };
      const win = parent();
      const r = await (win ? dialog.showOpenDialog(win, opts) : dialog.showOpenDialog(opts));
      return r.canceled ? null : (r.filePaths[0] ?? null);
    },
  };
}
