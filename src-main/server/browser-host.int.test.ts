// The browser host over real HTTP and WebSocket on 127.0.0.1: token required for the page and the
// socket, foreign Origins and Hosts refused, static files confined to the renderer folder, and the
// contract carried both ways (request → result, push → every socket).
import fs from 'node:fs';
import http from 'node:http';
import os from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Writable } from 'node:stream';
import WebSocket from 'ws';
import { loadSettings } from '../core/config/load';
import { createLogger } from '../core/logger';
import type { RequestRouter } from '../ipc/ipc-router';
import { BrowserHost } from './browser-host';
import { serveApp, type RunningServe } from './serve-app';
import { nthEvent } from '../../tests/support/wait';

let dir: string;
let staticDir: string;
let running: RunningServe;
let base: string;
let token: string;

interface Reply {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function get(urlPath: string, headers: Record<string, string> = {}, method = 'GET'): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const req = http.request(`${base}${urlPath}`, { method, headers }, (res) => {
      let body = '';
      res.on('data', (c: Buffer) => (body += c.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Opens a socket; resolves with it when accepted, or with the HTTP status of the refusal. */
function connect(query: string, headers: Record<string, string | undefined>): Promise<WebSocket | number> {
  return new Promise((resolve) => {
    const ws = new WebSocket(`${base.replace('http', 'ws')}/ws${query}`, { headers: headers as Record<string, string> });
    ws.on('open', () => resolve(ws));
    ws.on('unexpected-response', (_req, res) => resolve(res.statusCode ?? 0));
    ws.on('error', () => resolve(-1));
  });
}

function request(ws: WebSocket, frame: unknown): Promise<{ id: number; result: { ok: boolean; value?: unknown; error?: { code: string; message: string } } }> {
  return new Promise((resolve) => {
    const onMsg = (data: WebSocket.RawData) => {
      const msg = JSON.parse(data.toString());
      if ('id' in msg) {
        ws.off('message', onMsg);
        resolve(msg);
      }
    };
    ws.on('message', onMsg);
    ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  });
}

beforeAll(async () => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'of-host-'));
  staticDir = path.join(dir, 'renderer');
  fs.mkdirSync(path.join(staticDir, 'assets'), { recursive: true });
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>OpenFatture</title><script type="module" src="./assets/app.js"></script>');
  fs.writeFileSync(path.join(staticDir, 'assets', 'app.js'), 'console.log("app")');
  fs.writeFileSync(path.join(dir, 'secret.txt'), 'outside the renderer folder');
  const settings = loadSettings({ env: {}, cwd: dir, flags: { DATA_DIR: path.join(dir, 'data') } });
  running = await serveApp({ settings, version: 't', port: 0, staticDir, consoleLevel: 'silent', heartbeatMs: 200 });
  base = `http://127.0.0.1:${running.server.port}`;
  token = running.server.token;
});

afterAll(async () => {
  await running.stop();
  fs.rmSync(dir, { recursive: true, force: true });
});

describe('page access', () => {
  it('binds 127.0.0.1 and prints a tokened URL', () => {
    expect(running.server.host).toBe('127.0.0.1');
    expect(running.server.url).toBe(`${base}/?token=${token}`);
    expect(token).toMatch(/^[0-9a-f]{48}$/);
  });

  it('refuses the page without the token or with a wrong one', async () => {
    expect((await get('/')).status).toBe(401);
    expect((await get('/?token=nope')).status).toBe(401);
    expect((await get(`/?token=${token.slice(0, -1)}x`)).status).toBe(401);
    expect((await get('/assets/app.js')).status).toBe(401);
  });

  it('serves the page with the token, sets a strict CSP and a same-site cookie for the assets', async () => {
    const r = await get(`/?token=${token}`);
    expect(r.status).toBe(200);
    expect(r.body).toContain('<title>OpenFatture</title>');
    const csp = String(r.headers['content-security-policy']);
    expect(csp).toContain("script-src 'self'");
    expect(csp).toContain("object-src 'none'");
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).not.toContain('unsafe-eval');
    expect(r.headers['x-content-type-options']).toBe('nosniff');
    const cookie = String(r.headers['set-cookie']);
    expect(cookie).toContain('HttpOnly');
    expect(cookie).toContain('SameSite=Strict');
    const asset = await get('/assets/app.js', { Cookie: cookie.split(';')[0]! });
    expect(asset.status).toBe(200);
    expect(asset.headers['content-type']).toContain('javascript');
    // Client-side routes fall back to the app; missing assets are a 404.
    expect((await get(`/models?token=${token}`)).body).toContain('<title>OpenFatture</title>');
    expect((await get(`/assets/missing.js?token=${token}`)).status).toBe(404);
  });

  it('never serves files outside the renderer folder', async () => {
    for (const p of ['/../secret.txt', '/%2e%2e/secret.txt', '/assets/..%2f..%2fsecret.txt', '/%00']) {
      const r = await get(`${p}${p.includes('?') ? '&' : '?'}token=${token}`);
      expect(r.body).not.toContain('outside the renderer folder');
    }
  });

  it('refuses a foreign Host header (DNS rebinding) and non-GET methods', async () => {
    expect((await get(`/?token=${token}`, { Host: `evil.example:${running.server.port}` })).status).toBe(403);
    expect((await get(`/?token=${token}`, {}, 'POST')).status).toBe(405);
  });
});

describe('WebSocket', () => {
  const origin = () => base;

  it('refuses a missing token, a wrong token, a foreign Origin and a missing Origin', async () => {
    expect(await connect('', { Origin: origin() })).toBe(403);
    expect(await connect('?token=wrong', { Origin: origin() })).toBe(403);
    expect(await connect(`?token=${token}`, { Origin: 'http://evil.example' })).toBe(403);
    expect(await connect(`?token=${token}`, { Origin: `http://localhost:${running.server.port + 1}` })).toBe(403);
    expect(await connect(`?token=${token}`, {})).toBe(403);
  });

  it('carries requests and results of the contract', async () => {
    const ws = await connect(`?token=${token}`, { Origin: origin() });
    expect(ws).toBeInstanceOf(WebSocket);
    const sock = ws as WebSocket;
    try {
      const status = await request(sock, { id: 1, channel: 'status:get', args: {} });
      expect(status.id).toBe(1);
      expect(status.result.ok).toBe(true);
      expect((status.result.value as { host: string }).host).toBe('serve');
      const bad = await request(sock, { id: 2, channel: 'settings:set', args: { key: 'RAG_AUTO_UPDATE_BATCH_SIZE', value: 'abc' } });
      expect(bad.result).toMatchObject({ ok: false, error: { code: 'BAD_INPUT' } });
      expect(bad.result.error!.message).toContain('RAG_AUTO_UPDATE_BATCH_SIZE');
      const junk = await request(sock, 'not json');
      expect(junk).toMatchObject({ id: -1, result: { ok: false, error: { code: 'BAD_FRAME' } } });
      const unknown = await request(sock, { id: 3, channel: 'nope', args: {} });
      expect(unknown.result).toMatchObject({ ok: false, error: { code: 'UNKNOWN_CHANNEL' } });
    } finally {
      sock.close();
    }
  });

  it('a live socket survives heartbeats (it answers pings)', async () => {
    const ws = (await connect(`?token=${token}`, { Origin: origin() })) as WebSocket;
    try {
      // Three pings: the host (heartbeat 200 ms here) pings only sockets that answered the previous one.
      await nthEvent(ws, 'ping', 3);
      expect(ws.readyState).toBe(WebSocket.OPEN);
      const r = await request(ws, { id: 5, channel: 'status:get', args: {} });
      expect(r.result.ok).toBe(true);
    } finally {
      ws.close();
    }
  });

  it('pushes events to every connected socket', async () => {
    const a = (await connect(`?token=${token}`, { Origin: origin() })) as WebSocket;
    const b = (await connect(`?token=${token}`, { Origin: origin() })) as WebSocket;
    try {
      const pushed = (ws: WebSocket) =>
        new Promise<unknown>((resolve) => {
          ws.on('message', (d) => {
            const m = JSON.parse(d.toString());
            if (m.event === 'settings:changed') resolve(m.payload);
          });
        });
      const pa = pushed(a);
      const pb = pushed(b);
      const r = await request(a, { id: 9, channel: 'settings:set', args: { key: 'RAG_AUTO_UPDATE_BATCH_SIZE', value: 30 } });
      expect(r.result.ok).toBe(true);
      expect(await pa).toEqual({ keys: ['RAG_AUTO_UPDATE_BATCH_SIZE'] });
      expect(await pb).toEqual({ keys: ['RAG_AUTO_UPDATE_BATCH_SIZE'] });
    } finally {
      a.close();
      b.close();
    }
  });
});

describe('last-resort guard', () => {
  it('answers INTERNAL with the request id when answering fails outside the router, logs why, and keeps serving', async () => {
    // The real router never throws and its results are checked against the contract; this one
    // misbehaves on purpose, as a bug would, to reach the guard.
    const router: RequestRouter = {
      async invoke(channel) {
        if (channel === 'test:throw') throw new Error('handler exploded');
        if (channel === 'test:unsendable') return { ok: true, value: { amount: 10n } };
        return { ok: true, value: 'pong' };
      },
      onEvent: () => () => undefined,
    };
    let log = '';
    const logger = createLogger({ consoleLevel: 'error', console: new Writable({ write: (c: Buffer, _e, cb) => ((log += c.toString()), cb()) }) });
    const host = await BrowserHost.start({ router, staticDir, logger, port: 0 });
    const hostBase = `http://127.0.0.1:${host.port}`;
    const ws = await new Promise<WebSocket>((resolve, reject) => {
      const s = new WebSocket(`${hostBase.replace('http', 'ws')}/ws?token=${host.token}`, { headers: { Origin: hostBase } });
      s.once('open', () => resolve(s));
      s.once('error', reject);
    });
    try {
      expect(await request(ws, { id: 1, channel: 'test:throw', args: {} })).toEqual({ id: 1, result: { ok: false, error: { code: 'INTERNAL', message: expect.stringContaining('the error is in the log') } } });
      expect(await request(ws, { id: 2, channel: 'test:unsendable', args: {} })).toMatchObject({ id: 2, result: { ok: false, error: { code: 'INTERNAL' } } });
      expect(await request(ws, { id: 3, channel: 'test:ping', args: {} })).toEqual({ id: 3, result: { ok: true, value: 'pong' } });
      expect(host.requestLoad.internalErrors).toBe(2);
      expect(log).toContain('request 1 failed outside the router: handler exploded');
      expect(log).toMatch(/request 2 failed outside the router: .*BigInt/);
    } finally {
      ws.close();
      await host.close();
    }
  });
});
