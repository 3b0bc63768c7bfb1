// The application menu: the platform's standard roles, shortcuts to the data and logs folders, and
// the external pages the app links to (opened through the allow-list of ./security).
import { app, Menu, shell, type MenuItemConstructorOptions } from 'electron';
import { EXTERNAL_LINKS, openExternalSafely } from './security';

export function installAppMenu(paths: { dataDir: string; logsDir: string }): void {
  const isMac = process.platform === 'darwin';
  const template: MenuItemConstructorOptions[] = [
    ...(isMac ? [{ role: 'appMenu' as const }] : []),
    {
      label: 'File',
      submenu: [
        { label: 'Open data folder', click: () => void shell.openPath(paths.dataDir) },
        { label: 'Open logs folder', click: () => void shell.openPath(paths.logsDir) },
        { type: 'separator' },
        isMac ? { role: 'close' } : { role: 'quit' },
      ],
    },
    { role: 'editMenu' },
    {
      label: 'View',
      submenu: [
        { role: 'reload' },
        ...(app.isPackaged ? [] : [{ role: 'toggleDevTools' as const }]),
        { type: 'separator' },
        { role: 'resetZoom' },
        { role: 'zoomIn' },
        { role: 'zoomOut' },
        { type: 'separator' },
        { role: 'togglefullscreen' },
      ],
    },
    { role: 'windowMenu' },
    {
      role: 'help',
      submenu: [
        { label: 'FatturaPA (fatturapa.gov.it)', click: () => void openExternalSafely(shell, EXTERNAL_LINKS.fatturaPa) },
        { label: 'Agenzia delle Entrate', click: () => void openExternalSafely(shell, EXTERNAL_LINKS.agenziaEntrate) },
      ],
    },
  ];
  Menu.setApplicationMenu(Menu.buildFromTemplate(template));
}
