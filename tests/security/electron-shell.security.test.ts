// Attack class: the Electron shell itself (the Electron security checklist). A packaged binary that
// can be turned back into a plain Node runtime (ELECTRON_RUN_AS_NODE, NODE_OPTIONS, --inspect) or
// run a modified app.asar; a renderer — or content it was tricked into loading — that navigates
// away, opens windows, embeds a <webview>, asks for the camera, USB or HID devices, or hands a
// hostile URL to the OS. The fuses come from electron-builder.yml (validated against electron-builder's
// own schema); the runtime rules are the real installShellSecurity, run against recording stand-ins
// of Electron's app, session, webContents and shell (Electron cannot start on this machine). The
// main-process wiring (rules installed before the first window, the window's webPreferences) is read
// from the source.
import fs from 'node:fs';
import path from 'node:path';
import { validateConfiguration } from 'app-builder-lib/out/util/config/config';
import { DebugLogger } from 'builder-util';
import type { DevicePermissionHandlerHandlerDetails, PermissionRequest, Session, WebContents } from 'electron';
import fc from 'fast-check';
import ts from 'typescript';
import { parse as parseYaml } from 'yaml';
import { describe, expect } from 'vitest';
import {
  EXTERNAL_HOSTS,
  EXTERNAL_LINKS,
  installShellSecurity,
  openExternalSafely,
  type ContentsCreatedSource,
  type ExternalShell,
  type GuardedContents,
  type PermissionSession,
} from '../../src-main/electron/security';
import { fuzzRuns, recordFuzz } from '../fuzz/fuzz-counter';
import { securityCase } from './security-case';

const ROOT = path.resolve(import.meta.dirname, '../..');
const APP_ORIGIN = 'app://openfatture';

// ---- recording stand-ins of the Electron objects installShellSecurity is given -------------------

type RequestHandler = Parameters<Session['setPermissionRequestHandler']>[0];
type CheckHandler = Parameters<Session['setPermissionCheckHandler']>[0];
type DeviceHandler = Parameters<Session['setDevicePermissionHandler']>[0];
type Permission = Parameters<NonNullable<RequestHandler>>[1];

class RecordingSession implements PermissionSession {
  request: RequestHandler = null;
  check: CheckHandler = null;
  device: DeviceHandler = null;
  installs = 0;
  setPermissionRequestHandler(handler: RequestHandler): void {
    this.request = handler;
    this.installs++;
  }
  setPermissionCheckHandler(handler: CheckHandler): void {
    this.check = handler;
  }
  setDevicePermissionHandler(handler: DeviceHandler): void {
    this.device = handler;
  }
}

interface NavigationEvent {
  url: string;
  preventDefault(): void;
}

class RecordingContents implements GuardedContents {
  private readonly listeners = new Map<string, ((event: NavigationEvent) => void)[]>();
  windowOpen: ((details: { url: string }) => { action: 'deny' }) | null = null;
  constructor(readonly session: RecordingSession) {}
  on(event: string, listener: (event: never) => void): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener as (event: NavigationEvent) => void]);
    return this;
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' }): void {
    this.windowOpen = handler;
  }
  /** Emits `event` as Electron does; true when a listener prevented it. */
  emit(event: 'will-navigate' | 'will-frame-navigate' | 'will-redirect' | 'will-attach-webview', url = ''): boolean {
    let prevented = false;
    for (const l of this.listeners.get(event) ?? []) l({ url, preventDefault: () => (prevented = true) });
    return prevented;
  }
}

class RecordingApp implements ContentsCreatedSource {
  private readonly created: ((event: unknown, contents: GuardedContents) => void)[] = [];
  on(_event: 'web-contents-created', listener: (event: unknown, contents: GuardedContents) => void): this {
    this.created.push(listener);
    return this;
  }
  /** A new window (or any webContents) appears, as Electron reports it. */
  createContents(session: RecordingSession): RecordingContents {
    const contents = new RecordingContents(session);
    for (const l of this.created) l({ preventDefault: () => undefined }, contents);
    return contents;
  }
}

class RecordingShell implements ExternalShell {
  readonly opened: string[] = [];
  openExternal(url: string): Promise<void> {
    this.opened.push(url);
    return Promise.resolve();
  }
}

function installed() {
  const app = new RecordingApp();
  const session = new RecordingSession();
  const shell = new RecordingShell();
  installShellSecurity({ app, session, shell }, { appOrigin: APP_ORIGIN });
  return { app, session, shell };
}

/** Every permission name Electron's typings know, read from electron.d.ts (not a list kept here). */
function electronPermissions(): Permission[] {
  const dts = fs.readFileSync(path.join(ROOT, 'node_modules/electron/electron.d.ts'), 'utf8');
  const m = /setPermissionRequestHandler\(handler: \(\(webContents: WebContents, permission: ((?:'[^']+'(?: \| )?)+),/.exec(dts);
  if (!m) throw new Error('setPermissionRequestHandler signature not found in electron.d.ts');
  return [...m[1]!.matchAll(/'([^']+)'/g)].map((x) => x[1] as Permission);
}

// URLs that look like the app or an allow-listed page but are not.
const LOOKALIKE_APP_URLS = [
  'app://openfatture.evil.example/index.html',
  'app://openfatture@evil.example/',
  'app://evil@openfatture/',
  'app://openfatture:8080/',
  'app://other/index.html',
  'https://openfatture/',
  'file:///etc/passwd',
  'javascript:alert(1)',
  'data:text/html,<script>alert(1)</script>',
  'about:blank',
  'chrome://settings',
  'devtools://devtools/bundled/inspector.html',
  'http://127.0.0.1:7420/?token=x',
  'not a url',
  '',
];
const HOSTILE_EXTERNAL_URLS = [
  'http://www.fatturapa.gov.it/',
  'https://www.fatturapa.gov.it.evil.example/',
  'https://evil.example/#www.fatturapa.gov.it',
  'https://evil.example/?https://www.fatturapa.gov.it/',
  'https://www.fatturapa.gov.it@evil.example/',
  'https://user:pass@www.fatturapa.gov.it/',
  'https://www.fatturapa.gov.it:8443/',
  'https://fatturapa.gov.it/',
  'https://sub.www.agenziaentrate.gov.it/',
  'file:///C:/Windows/System32/calc.exe',
  'smb://evil.example/share/payload.exe',
  'ms-msdt:/id PCWDiagnostic',
  'javascript:alert(document.cookie)',
  'vbscript:msgbox(1)',
  'mailto:a@b.example',
  'app://openfatture/index.html',
  '//www.fatturapa.gov.it/',
  'www.fatturapa.gov.it',
];

describe('Electron shell (security checklist)', () => {
  securityCase('electron fuses: no Node runtime, no inspector, asar-only with integrity, encrypted cookies', async (check) => {
    const config = parseYaml(fs.readFileSync(path.join(ROOT, 'electron-builder.yml'), 'utf8')) as Record<string, unknown>;
    const fuses = config.electronFuses as Record<string, unknown> | undefined;
    expect(fuses, 'electron-builder.yml has no electronFuses').toBeDefined();
    const required = {
      runAsNode: false,
      enableNodeOptionsEnvironmentVariable: false,
      enableNodeCliInspectArguments: false,
      enableEmbeddedAsarIntegrityValidation: true,
      onlyLoadAppFromAsar: true,
      enableCookieEncryption: true,
      grantFileProtocolExtraPrivileges: false,
    };
    for (const [fuse, value] of Object.entries(required)) expect(fuses![fuse], `electronFuses.${fuse}`).toBe(value);
    // Integrity and asar-only mean nothing without an asar whose hash is embedded.
    expect(config.asar).toBe(true);
    // The whole file against electron-builder's own schema: a misspelt fuse would be silently "off".
    const logger = new DebugLogger(false);
    await validateConfiguration(config, logger);
    const misspelt: Record<string, unknown> = { ...config, electronFuses: { ...fuses, runAsNod: false } };
    await expect(validateConfiguration(misspelt, logger)).rejects.toThrow(/electronFuses/);
    check(`${Object.keys(required).length} fuses set as required; asar on; electron-builder.yml valid against electron-builder's schema, which rejects a misspelt fuse`);
  });

  securityCase('electron: permission requests, permission checks and device access are denied', async (check) => {
    const { session } = installed();
    const permissions = electronPermissions();
    expect(permissions.length).toBeGreaterThan(20);
    const anyContents = null as unknown as WebContents; // the handlers deny without looking at the asker
    let asked = 0;
    for (const permission of permissions) {
      const answers: boolean[] = [];
      session.request!(anyContents, permission, (granted) => answers.push(granted), { requestingUrl: `${APP_ORIGIN}/index.html`, isMainFrame: true } as PermissionRequest);
      expect(answers, permission).toEqual([false]);
      for (const origin of [APP_ORIGIN, 'https://evil.example', '']) {
        expect(session.check!(null, permission, origin, { isMainFrame: true, requestingUrl: origin }), `${permission} from ${origin}`).toBe(false);
        asked++;
      }
    }
    for (const deviceType of ['hid', 'serial', 'usb'] as const) {
      expect(session.device!({ deviceType, origin: APP_ORIGIN, device: {} } as DevicePermissionHandlerHandlerDetails)).toBe(false);
    }
    check(`${permissions.length} permissions (every one in electron.d.ts) requested → denied; ${asked} permission checks → false; hid/serial/usb device access → false`);
  });

  securityCase('electron: navigation, frame navigation and redirects off the app origin are blocked (fast-check)', async (check) => {
    const { app, session } = installed();
    const contents = app.createContents(session);
    for (const url of LOOKALIKE_APP_URLS) {
      for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect'] as const) expect(contents.emit(event, url), `${event} ${url}`).toBe(true);
    }
    for (const event of ['will-navigate', 'will-frame-navigate', 'will-redirect'] as const) expect(contents.emit(event, `${APP_ORIGIN}/index.html#/models`)).toBe(false);
    const runs = fuzzRuns(300);
    let cases = 0;
    fc.assert(
      fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.webPath(), (foreign, appPath) => {
        cases++;
        expect(contents.emit('will-navigate', foreign)).toBe(true);
        expect(contents.emit('will-redirect', foreign)).toBe(true);
        expect(contents.emit('will-navigate', `${APP_ORIGIN}/${appPath.replace(/^\/+/, '')}`)).toBe(false);
      }),
      { numRuns: runs },
    );
    recordFuzz('electron navigation', cases);
    expect(contents.emit('will-attach-webview')).toBe(true);
    check(`${LOOKALIKE_APP_URLS.length} look-alike/foreign URLs × 3 events blocked; ${cases} random web URLs blocked and app paths allowed; <webview> refused`);
  });

  securityCase('electron: window.open is denied; only allow-listed https pages reach the system browser', async (check) => {
    const { app, session, shell } = installed();
    const contents = app.createContents(session);
    for (const url of [...HOSTILE_EXTERNAL_URLS, ...LOOKALIKE_APP_URLS]) expect(contents.windowOpen!({ url })).toEqual({ action: 'deny' });
    expect(shell.opened).toEqual([]);
    const runs = fuzzRuns(300);
    let cases = 0;
    fc.assert(
      fc.property(fc.oneof(fc.webUrl({ withQueryParameters: true, withFragments: true }), fc.string()), (url) => {
        cases++;
        expect(contents.windowOpen!({ url })).toEqual({ action: 'deny' });
      }),
      { numRuns: runs },
    );
    expect(shell.opened).toEqual([]);
    for (const link of Object.values(EXTERNAL_LINKS)) expect(contents.windowOpen!({ url: `${link}documentazione?x=1` })).toEqual({ action: 'deny' });
    expect(shell.opened).toEqual(Object.values(EXTERNAL_LINKS).map((l) => `${l}documentazione?x=1`));
    recordFuzz('electron window.open', cases);
    check(`${HOSTILE_EXTERNAL_URLS.length + LOOKALIKE_APP_URLS.length} crafted + ${cases} random window.open → denied, none opened; the ${EXTERNAL_HOSTS.size} allow-listed pages → system browser, window still denied`);
  });

  securityCase('electron: shell.openExternal refuses every URL off the allow-list', async (check) => {
    const shell = new RecordingShell();
    for (const url of HOSTILE_EXTERNAL_URLS) expect(openExternalSafely(shell, url), url).toBe(false);
    const runs = fuzzRuns(300);
    let cases = 0;
    fc.assert(
      fc.property(fc.oneof(fc.webUrl({ validSchemes: ['https', 'http', 'file', 'smb', 'ftp'], withQueryParameters: true, withFragments: true }), fc.string()), (url) => {
        cases++;
        expect(openExternalSafely(shell, url)).toBe(false);
      }),
      { numRuns: runs },
    );
    expect(shell.opened).toEqual([]);
    // Upper case and default-port spellings of an allowed page are the same page, opened normalised.
    expect(openExternalSafely(shell, 'HTTPS://WWW.FATTURAPA.GOV.IT:443/')).toBe(true);
    expect(shell.opened).toEqual(['https://www.fatturapa.gov.it/']);
    recordFuzz('electron openExternal', cases);
    check(`${HOSTILE_EXTERNAL_URLS.length} crafted (http, look-alike hosts, userinfo, ports, file/smb/ms-msdt/javascript) + ${cases} random URLs refused; allow-list: ${[...EXTERNAL_HOSTS].join(', ')}`);
  });

  securityCase('electron: every future webContents and its session get the same rules', async (check) => {
    const { app, session } = installed();
    const first = app.createContents(session);
    // A later window on its own session (a partition) — e.g. one added by a future feature.
    const otherSession = new RecordingSession();
    const later = app.createContents(otherSession);
    for (const contents of [first, later]) {
      expect(contents.emit('will-navigate', 'https://evil.example/')).toBe(true);
      expect(contents.windowOpen!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
    }
    const answers: boolean[] = [];
    otherSession.request!(null as unknown as WebContents, 'media', (granted) => answers.push(granted), { isMainFrame: true, requestingUrl: 'https://evil.example/' } as PermissionRequest);
    expect(answers).toEqual([false]);
    expect(otherSession.check!(null, 'notifications', 'https://evil.example', { isMainFrame: true, requestingUrl: 'https://evil.example/' })).toBe(false);
    expect(otherSession.device!({ deviceType: 'usb', origin: 'https://evil.example', device: {} } as DevicePermissionHandlerHandlerDetails)).toBe(false);
    // The default session is guarded once, however many windows use it.
    app.createContents(session);
    expect([session.installs, otherSession.installs]).toEqual([1, 1]);
    check('a second webContents on a new session: navigation blocked, window.open denied, media/notifications/usb denied; each session guarded once');
  });

  securityCase('electron main process: rules installed before the first window; the window is sandboxed without Node', async (check) => {
    const source = (file: string) => ts.createSourceFile(file, fs.readFileSync(path.join(ROOT, file), 'utf8'), ts.ScriptTarget.Latest, true);
    const calls = (node: ts.Node, name: string): ts.CallExpression[] => {
      const out: ts.CallExpression[] = [];
      const visit = (n: ts.Node) => {
        if (ts.isCallExpression(n) && n.expression.getText() === name) out.push(n);
        ts.forEachChild(n, visit);
      };
      visit(node);
      return out;
    };
    const main = source('src-main/electron/main.ts');
    const onReady = main.statements.find((s): s is ts.FunctionDeclaration => ts.isFunctionDeclaration(s) && s.name?.text === 'onReady');
    expect(onReady, 'main.ts: onReady').toBeDefined();
    const [install] = calls(onReady!, 'installShellSecurity');
    expect(install, 'main.ts: onReady calls installShellSecurity').toBeDefined();
    expect(install!.arguments.map((a) => a.getText())).toEqual(['{ app, session: session.defaultSession, shell }', '{ appOrigin: APP_ORIGIN }']);
    // Before the core (which may show a dialog), the window and anything else that creates webContents.
    const firstOther = ['startCore', 'createMainWindow', 'dialog.showErrorBox', 'registerIpc'].flatMap((n) => calls(main, n)).map((c) => c.getStart());
    expect(install!.getStart()).toBeLessThan(Math.min(...firstOther));
    expect(calls(main, 'createMainWindow').every((c) => c.getStart() > install!.getStart())).toBe(true);

    const win = source('src-main/electron/main-window.ts');
    const prefs = new Map<string, string>();
    const visit = (n: ts.Node) => {
      if (ts.isPropertyAssignment(n) && n.name.getText() === 'webPreferences' && ts.isObjectLiteralExpression(n.initializer)) {
        for (const p of n.initializer.properties) if (ts.isPropertyAssignment(p)) prefs.set(p.name.getText(), p.initializer.getText());
      }
      ts.forEachChild(n, visit);
    };
    visit(win);
    const required = { contextIsolation: 'true', sandbox: 'true', nodeIntegration: 'false', nodeIntegrationInSubFrames: 'false', webSecurity: 'true', allowRunningInsecureContent: 'false', webviewTag: 'false' };
    expect(Object.fromEntries(Object.keys(required).map((k) => [k, prefs.get(k)]))).toEqual(required);
    check(`installShellSecurity(app, session.defaultSession, shell) is the first thing onReady does, before ${firstOther.length} core/window/dialog calls; BrowserWindow: ${Object.keys(required).length} webPreferences as required`);
  });
});
