// The Electron shell's security rules (the Electron security checklist), in one place and applied to
// every webContents the app ever creates: navigation stays on the app's own origin, window.open is
// denied, <webview> is refused, permission requests and checks (camera, notifications, HID, USB,
// serial…) are denied by default, and only the few external pages the app links to are handed to
// the system browser. It takes Electron's `app`, `session` and `shell` as arguments and imports
// only Electron's types, so the security suite can run it against recording stand-ins of them.
import type { Session, Shell } from 'electron';

/** The external pages the app links to (the Help menu). A URL on any other host is never opened. */
export const EXTERNAL_LINKS = {
  fatturaPa: 'https://www.fatturapa.gov.it/',
  agenziaEntrate: 'https://www.agenziaentrate.gov.it/',
} as const;

export const EXTERNAL_HOSTS: ReadonlySet<string> = new Set(Object.values(EXTERNAL_LINKS).map((u) => new URL(u).hostname));

export type PermissionSession = Pick<Session, 'setPermissionRequestHandler' | 'setPermissionCheckHandler' | 'setDevicePermissionHandler'>;
export type ExternalShell = Pick<Shell, 'openExternal'>;

interface NavigationEvent {
  preventDefault(): void;
  url: string;
}

/** What the rules use of a webContents; Electron's WebContents has all of it. */
export interface GuardedContents {
  readonly session: PermissionSession;
  on(event: 'will-navigate', listener: (details: NavigationEvent) => void): unknown;
  on(event: 'will-frame-navigate', listener: (details: NavigationEvent) => void): unknown;
  on(event: 'will-redirect', listener: (details: NavigationEvent) => void): unknown;
  on(event: 'will-attach-webview', listener: (event: { preventDefault(): void }) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void;
}

/** What the rules use of Electron's `app`. */
export interface ContentsCreatedSource {
  on(event: 'web-contents-created', listener: (event: unknown, contents: GuardedContents) => void): unknown;
}

export interface ShellSecurityOptions {
  /** The origin the renderer is served from (`app://openfatture`); the only place a window may show. */
  appOrigin: string;
}

function parse(url: string): URL | null {
  try {
    return new URL(url);
  } catch {
    return null;
  }
}

/** Same scheme and host as the app's origin, no credentials: a page of the app itself. */
export function isAppUrl(url: string, appOrigin: string): boolean {
  const u = parse(url);
  const origin = parse(appOrigin);
  return !!u && !!origin && u.protocol === origin.protocol && u.host === origin.host && u.username === '' && u.password === '';
}

/** https, an allow-listed host (exactly), the default port, no credentials. */
export function isAllowedExternalUrl(url: string): boolean {
  const u = parse(url);
  return !!u && u.protocol === 'https:' && EXTERNAL_HOSTS.has(u.hostname) && u.port === '' && u.username === '' && u.password === '';
}

/**
 * Opens an allow-listed page in the system browser; anything else is refused (returns false).
 * The URL handed to the OS is the parsed, normalised one.
 */
export function openExternalSafely(shell: ExternalShell, url: string): boolean {
  if (!isAllowedExternalUrl(url)) return false;
  void shell.openExternal(new URL(url).href).catch(() => undefined); // no browser: nothing more to do
  return true;
}

/** Deny every permission request, permission check and device (HID, serial, USB) access. */
export function denyPermissions(session: PermissionSession): void {
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.setDevicePermissionHandler(() => false);
}

/** Navigation and redirects stay on the app's origin; no new windows; no <webview>. */
export function guardContents(contents: GuardedContents, shell: ExternalShell, options: ShellSecurityOptions): void {
  const stayInApp = (event: NavigationEvent) => {
    if (!isAppUrl(event.url, options.appOrigin)) event.preventDefault();
  };
  contents.on('will-navigate', stayInApp);
  contents.on('will-frame-navigate', stayInApp);
  contents.on('will-redirect', stayInApp);
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    // A link to one of the pages the app links to opens in the system browser; nothing opens in-app.
    openExternalSafely(shell, url);
    return { action: 'deny' };
  });
}

/**
 * Installs the rules: on the default session now, and on every webContents created from now on
 * (windows, and any other session they use), so a future window cannot be opened without them.
 * Call once, when the app is ready and before the first window.
 */
export function installShellSecurity(electron: { app: ContentsCreatedSource; session: PermissionSession; shell: ExternalShell }, options: ShellSecurityOptions): void {
  const guardedSessions = new WeakSet<PermissionSession>();
  const guardSession = (s: PermissionSession) => {
    if (guardedSessions.has(s)) return;
    guardedSessions.add(s);
    denyPermissions(s);
  };
  guardSession(electron.session);
  electron.app.on('web-contents-created', (_event, contents) => {
    guardSession(contents.session);
    guardContents(contents, electron.shell, options);
  });
}
