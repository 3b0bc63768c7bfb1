// The browser host (DESIGN §2): serves the built renderer over HTTP and carries the IPC contract over
// a WebSocket at /ws. Like Jupyter, a random per-run token printed in the URL is required for the page
// and the socket; loopback binds also check the Host header (DNS rebinding), and the socket refuses
// any Origin but our own. Every frame is untrusted: it is answered (BAD_FRAME, BUSY, the router's
// result, or INTERNAL from a last-resort guard) and nothing a client sends can throw out of the
// socket handlers. Requests run through a fair scheduler (request-scheduler.ts) within the budgets of
// host-limits.ts, so one flooding connection cannot starve the others.
import crypto from 'node:crypto';
import fs from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { WebSocketServer, type RawData, type WebSocket } from 'ws';
import { TOKEN_PARAM, UNKNOWN_FRAME_ID, WS_PATH, type WsPush, type WsResponse } from '../../src-preload/contract/bridge-api';
import { fail, type IpcResult } from '../../src-preload/contract/result';
import type { RequestRouter } from '../ipc/ipc-router';
import type { Logger } from '../core/logger';
import { hostLimits, type HostLimits } from './host-limits';
import { RequestScheduler, type LaneState, type SchedulerLoad } from './request-scheduler';
import { securityHeaders } from './security-headers';
import { admitFrame, parseFrame } from './ws-frame';

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
  /** Budgets per frame and per connection; DEFAULT_HOST_LIMITS for what is not given. */
  limits?: Partial<HostLimits>;
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

/** What the host has done with the requests it received (since start), and what is waiting now. */
export interface RequestLoad extends SchedulerLoad {
  /** Frames answered BAD_FRAME (binary, too large, too deep, not JSON, wrong shape). */
  badFrames: number;
  /** Last-resort answers: something failed outside the router (logged with its stack). */
  internalErrors: number;
}

export class BrowserHost {
  private readonly sockets = new Set<WebSocket>();
  /** Sockets that answered the last ping (or connected since); the others are dropped. */
  private readonly alive = new WeakSet<WebSocket>();
  private unsubscribe: (() => void) | null = null;
  private heartbeat: NodeJS.Timeout | null = null;
  private readonly scheduler: RequestScheduler<WebSocket>;
  private readonly pageOpenedListeners = new Set<() => void>();
  private badFrames = 0;
  private internalErrors = 0;

  private constructor(
    private readonly options: BrowserHostOptions,
    private readonly limits: HostLimits,
    private readonly server: http.Server,
    private readonly wss: WebSocketServer,
    readonly token: string,
    readonly host: string,
    readonly port: number,
  ) {
    this.scheduler = new RequestScheduler<WebSocket>({
      limits,
      stateOf: (ws) => this.laneState(ws),
      onJobError: (e) => this.options.logger.error({ err: e }, `browser host: a request job failed: ${(e as Error)?.message ?? String(e)}`),
      onDropped: (_ws, count) => this.options.logger.info(`browser host: a connection closed with ${count} request(s) still queued; they were dropped without running`),
    });
  }

  /** The address to open, token included. */
  get url(): string {
    const h = this.host.includes(':') ? `[${this.host}]` : this.host === '0.0.0.0' ? '127.0.0.1' : this.host;
    return `http://${h}:${this.port}/?${TOKEN_PARAM}=${this.token}`;
  }

  get connections(): number {
    return this.sockets.size;
  }

  /** Requests queued and running now, and the host's counters since start. */
  get requestLoad(): RequestLoad {
    return { ...this.scheduler.load(), badFrames: this.badFrames, internalErrors: this.internalErrors };
  }

  /**
   * Calls `listener` each time the page is opened with the token in its URL (a browser following the
   * printed address or the `serve --open` redirect file); returns the unsubscribe function.
   */
  onPageOpenedWithToken(listener: () => void): () => void {
    this.pageOpenedListeners.add(listener);
    return () => this.pageOpenedListeners.delete(listener);
  }

  static async start(options: BrowserHostOptions): Promise<BrowserHost> {
    const limits = hostLimits(options.limits);
    const token = options.token ?? crypto.randomBytes(24).toString('hex');
    const bindHost = options.host ?? '127.0.0.1';
    const server = http.createServer();
    const wss = new WebSocketServer({ noServer: true, maxPayload: limits.maxPayloadBytes });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(options.port ?? 0, bindHost, () => {
        server.off('error', reject);
        resolve();
      });
    });
    const port = (server.address() as AddressInfo).port;
    const host = new BrowserHost(options, limits, server, wss, token, bindHost, port);
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
    ws.on('close', () => this.forget(ws));
    // A protocol error (a frame over maxPayloadBytes: 1009, invalid UTF-8: 1007) closes the socket.
    ws.on('error', (e) => {
      this.options.logger.warn(`browser host: WebSocket closed on a protocol error: ${e.message}`);
      this.forget(ws);
    });
    ws.on('message', (data, isBinary) => this.onFrame(ws, data, isBinary));
  }

  private forget(ws: WebSocket): void {
    this.sockets.delete(ws);
    this.scheduler.remove(ws);
  }

  private laneState(ws: WebSocket): LaneState {
    if (ws.readyState !== ws.OPEN) return 'closed';
    return ws.bufferedAmount > this.limits.maxUnsentReplyBytes ? 'blocked' : 'ready';
  }

  /**
   * A frame as it arrives: only its kind and size are looked at here (binary or oversize → BAD_FRAME
   * unread); the rest waits for its turn in the scheduler, or is answered BUSY when the connection's
   * queue is full. The last-resort guard answers INTERNAL to anything unforeseen.
   */
  private onFrame(ws: WebSocket, data: RawData, isBinary: boolean): void {
    let id = UNKNOWN_FRAME_ID;
    try {
      const admitted = admitFrame(data, isBinary, this.limits);
      id = admitted.id;
      if (!admitted.ok) {
        this.badFrames++;
        this.reply(ws, id, fail('BAD_FRAME', admitted.message));
        return;
      }
      const queued = this.scheduler.submit(ws, { bytes: admitted.bytes, run: () => this.runFrame(ws, admitted.text) });
      if (!queued.accepted) this.reply(ws, id, fail('BUSY', `busy: ${queued.reason}`));
    } catch (e) {
      this.lastResort(ws, id, e);
    }
  }

  /** A queued frame's turn: parse and check it, run it through the router, answer it. Never rejects. */
  private async runFrame(ws: WebSocket, text: string): Promise<void> {
    let id = UNKNOWN_FRAME_ID;
    try {
      const frame = parseFrame(text, this.limits);
      id = frame.id;
      if (!frame.ok) {
        this.badFrames++;
        this.reply(ws, id, fail('BAD_FRAME', frame.message));
        return;
      }
      const result = await this.options.router.invoke(frame.channel, frame.args);
      this.reply(ws, id, result);
    } catch (e) {
      this.lastResort(ws, id, e);
    }
  }

  /** Sends a response unless the socket is gone (its client can no longer read it). */
  private reply(ws: WebSocket, id: number, result: IpcResult<unknown>): void {
    if (ws.readyState !== ws.OPEN) return;
    const frame: WsResponse = { id, result };
    ws.send(JSON.stringify(frame));
  }

  private lastResort(ws: WebSocket, id: number, error: unknown): void {
    this.internalErrors++;
    try {
      this.options.logger.error({ err: error }, `browser host: request ${id} failed outside the router: ${error instanceof Error ? error.message : String(error)}`);
      this.reply(ws, id, fail('INTERNAL', 'the host could not answer this request; the error is in the log'));
    } catch {
      /* nothing is left to tell this client; the process keeps serving the others */
    }
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
    // The cookie lets the page's own assets, and a reload once the page has taken the token out of the
    // address bar, load without the token in the URL.
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
    if (viaQuery && isIndex) for (const listener of this.pageOpenedListeners) listener();
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
    this.scheduler.close();
    this.pageOpenedListeners.clear();
    this.unsubscribe?.();
    for (const ws of this.sockets) ws.close(1001, 'server shutting down');
    this.wss.close();
    await new Promise<void>((resolve) => {
      this.server.close(() => resolve());
      this.server.closeAllConnections();
    });
  }
}
