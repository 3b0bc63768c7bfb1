// The browser host (DESIGN §2): serves the built renderer over HTTP and carries the IPC contract over
// a WebSocket at /ws. Like Jupyter, a random per-run token printed in the URL is required for the page
// and the socket; loopback binds also check the Host header (DNS rebinding), and the socket refuses
// any Origin but our own.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type WebSocket } from 'ws';
import { TOKEN_PARAM, WS_PATH, type WsPush, type WsResponse } from '../../src-preload/contract/bridge-api';
import { fail } from '../../src-preload/contract/result';
import type { RequestRouter } from '../ipc/ipc-router';
import type { Logger } from '../core/logger';
import { securityHeaders } from './security-headers';

export interface BrowserHostOptions {
  router: RequestRouter;
  /** Folder holding the built renderer (index.html + assets/). */
  staticDir: string;
  logger: Logger;
  /** Interface to bind; 127.0.0.1 unless the user asks otherwise. */
  host?: string;
  /** 0 = any free port. */
  port?: number;
  /** Fixed token (tests); a random 48-hex one otherwise. */
  token?: string;
  /** Largest WebSocket frame accepted, in bytes. */
  maxPayload?: number;
  /** Ping interval; a socket that missed the previous ping is closed. */
  heartbeatMs?: number;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.txt': 'text/plain; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
};

const LOOPBACK = new Set(['127.0.0.1', 'localhost', '::1', '[::1]']);

function cookieName(port: number): string {
  return `openfatture_token_${port}`;
}

function readCookie(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [k, ...v] = part.trim().split('=');
    if (k === name) return decodeURIComponent(v.join('='));
  }
  return null;
}

export class BrowserHost {
  private readonly sockets = new Set<WebSocket>();
  /** Sockets that answered the last ping (or connected since); the others are dropped. */
  private readonly alive = new WeakSet<WebSocket>();
  private unsubscribe: (() => void) | null = null;
  private heartbeat: NodeJS.Timeout | null = null;

  private constructor(
    private readonly options: BrowserHostOptions,
    private readonly server: http.Server,
    private readonly wss: WebSocketServer,
    readonly token: string,
    readonly host: string,
    readonly port: number,
  ) {}

  /** The address to open, token included. */
  get url(): string {
    const h = this.host.includes(':') ? `[${this.host}]` : this.host === '0.0.0.0' ? '127.0.0.1' : this.host;
    return `http://${h}:${this.port}/?${TOKEN_PARAM}=${this.token}`;
  }

  get connections(): number {
    return this.sockets.size;
  }

  static async start(options: BrowserHostOptions): Promise<BrowserHost> {
    const token = options.token ?? crypto.randomBytes(24).toString('hex');
    const bindHost = options.host ?? '127.0.0.1';
    const server = http.createServer();
    const wss = new WebSocketServer({ noServer: true, maxPayload: options.maxPayload ?? 4 * 1024 * 1024 });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, bindHost, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    const host = new BrowserHost(options, server, wss, token, bindHost, port);
    host.attach();
    return host;
  }

  private attach(): void {
    this.server.on('request', (req, res) => {
      try {
        this.serve(req, res);
      } catch (e) {
        this.options.logger.error({ err: e }, `browser host: request failed: ${(e as Error).message}`);
        if (!res.headersSent) this.plain(res, 500, 'Internal error');
      }
    });
    this.server.on('upgrade', (req, socket, head) => {
      const refusal = this.refuseUpgrade(req);
      if (refusal) {
        this.options.logger.warn(`browser host: WebSocket refused (${refusal}) from ${req.socket.remoteAddress}`);
        socket.write(`HTTP/1.1 403 Forbidden\r\nConnection: close\r\nContent-Type: text/plain\r\n\r\n${refusal}\n`);
        socket.destroy();
        return;
      }
      this.wss.handleUpgrade(req, socket, head, (ws) => this.onSocket(ws));
    });
    this.unsubscribe = this.options.router.onEvent((event, payload) => {
      const frame: WsPush = { event, payload };
      const text = JSON.stringify(frame);
      for (const ws of this.sockets) if (ws.readyState === ws.OPEN) ws.send(text);
    });
    // Drop sockets whose peer vanished (laptop sleep, killed tab) so pushes do not pile up.
    this.heartbeat = setInterval(() => {
      for (const ws of this.sockets) {
        if (!this.alive.has(ws)) {
          ws.terminate();
          continue;
        }
        this.alive.delete(ws);
        ws.ping();
      }
    }, this.options.heartbeatMs ?? 30_000);
    this.heartbeat.unref();
  }

  private tokenMatches(candidate: string | null): boolean {
    if (!candidate) return false;
    const a = Buffer.from(candidate);
    const b = Buffer.from(this.token);
    return a.length === b.length && crypto.timingSafeEqual(a, b);
  }

  private hostAllowed(hostHeader: string | undefined): boolean {
    if (!hostHeader) return false;
    if (!LOOPBACK.has(this.host)) return true; // bound to a real interface on purpose: the token guards it
    const m = /^(\[[^\]]+\]|[^:]+)(?::(\d+))?$/.exec(hostHeader);
    return !!m && LOOPBACK.has(m[1]!) && Number(m[2] ?? 80) === this.port;
  }

  private refuseUpgrade(req: http.IncomingMessage): string | null {
    const url = new URL(req.url ?? '/', 'http://x');
    if (url.pathname !== WS_PATH) return 'unknown path';
    if (!this.hostAllowed(req.headers.host)) return 'unexpected Host header';
    const origin = req.headers.origin;
    if (!origin) return 'missing Origin';
    if (origin !== `http://${req.headers.host}`) return `Origin ${origin} is not allowed`;
    const given = url.searchParams.get(TOKEN_PARAM) ?? readCookie(req.headers.cookie, cookieName(this.port));
    if (!this.tokenMatches(given)) return given ? 'wrong token' : 'missing token';
    return null;
  }

  private onSocket(ws: WebSocket): void {
    this.sockets.add(ws);
    this.alive.add(ws);
    ws.on('pong', () => this.alive.add(ws));
    ws.on('close', () => this.sockets.delete(ws));
    ws.on('error', () => this.sockets.delete(ws));
    ws.on('message', (data, isBinary) => {
      void this.onFrame(ws, isBinary ? null : data.toString());
    });
  }

  private async onFrame(ws: WebSocket, text: string | null): Promise<void> {
    let frame: unknown;
    try {
      frame = text === null ? null : JSON.parse(text);
    } catch {
      frame = null;
    }
    const f = frame as { id?: unknown; channel?: unknown; args?: unknown } | null;
    if (!f || typeof f !== 'object' || typeof f.id !== 'number' || !Number.isSafeInteger(f.id)) {
      const reply: WsResponse = { id: -1, result: fail('BAD_FRAME', 'frame: expected JSON {id: integer, channel, args}') };
      ws.send(JSON.stringify(reply));
      return;
    }
    const result = await this.options.router.invoke(f.channel, f.args);
    const reply: WsResponse = { id: f.id, result };
    if (ws.readyState === ws.OPEN) ws.send(JSON.stringify(reply));
  }

  private headers(extra: Record<string, string> = {}): Record<string, string> {
    return { ...securityHeaders(), ...extra };
  }

  private plain(res: http.ServerResponse, status: number, text: string): void {
    res.writeHead(status, this.headers({ 'Content-Type': 'text/plain; charset=utf-8', 'Cache-Control': 'no-store' }));
    res.end(text + '\n');
  }

  private serve(req: http.IncomingMessage, res: http.ServerResponse): void {
    if (!this.hostAllowed(req.headers.host)) return this.plain(res, 403, 'Forbidden: unexpected Host header');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.setHeader('Allow', 'GET, HEAD');
      return this.plain(res, 405, 'Method not allowed');
    }
    const url = new URL(req.url ?? '/', 'http://x');
    const fromQuery = url.searchParams.get(TOKEN_PARAM);
    const fromCookie = readCookie(req.headers.cookie, cookieName(this.port));
    const viaQuery = this.tokenMatches(fromQuery);
    if (!viaQuery && !this.tokenMatches(fromCookie)) {
      return this.plain(
        res,
        401,
        fromQuery || fromCookie
          ? 'Wrong token. Open the address printed by `openfatture serve` (it ends with ?token=…).'
          : 'This OpenFatture host needs its access token. Open the address printed by `openfatture serve` (it ends with ?token=…).',
      );
    }
    const extra: Record<string, string> = {};
    // The cookie lets the page's own assets load without the token in every URL.
    if (viaQuery) extra['Set-Cookie'] = `${cookieName(this.port)}=${this.token}; Path=/; HttpOnly; SameSite=Strict`;
    const file = this.resolveFile(url.pathname);
    if (!file) return this.plain(res, 404, 'Not found');
    const ext = path.extname(file);
    const isIndex = path.basename(file) === 'index.html';
    const body = fs.readFileSync(file);
    res.writeHead(200, {
      ...this.headers(extra),
      'Content-Type': MIME[ext] ?? 'application/octet-stream',
      'Content-Length': String(body.length),
      // Hashed asset names never change content; the page itself must always be fresh.
      'Cache-Control': isIndex ? 'no-store' : 'public, max-age=31536000, immutable',
    });
    res.end(req.method === 'HEAD' ? undefined : body);
  }

  /** Maps a URL path to a file inside staticDir (never outside it); unknown page paths get index.html. */
  private resolveFile(pathname: string): string | null {
    const root = path.resolve(this.options.staticDir);
    let decoded: string;
    try {
      decoded = decodeURIComponent(pathname);
    } catch {
      return null;
    }
    if (decoded.includes('\0')) return null;
    const candidate = path.resolve(root, '.' + path.posix.normalize(decoded));
    if (candidate !== root && !candidate.startsWith(root + path.sep)) return null;
    if (fs.existsSync(candidate) && fs.statSync(candidate).isFile()) return candidate;
    // Client-side routes (no extension) fall back to the app; missing assets are a real 404.
    if (path.extname(decoded) === '') {
      const index = path.join(root, 'index.html');
      return fs.existsSync(index) ? index : null;
    }
    return null;
  }

  async close(): Promise<void> {
    if (this.heartbeat) clearInterval(this.heartbeat);
    this.unsubscribe?.();
    for (const ws of this.sockets) ws.close(1001, 'server shutting down');
    this.wss.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
