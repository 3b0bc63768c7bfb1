// The browser host's side of the contract: one WebSocket to /ws on the page's own origin, with the
// run's token from the page URL (kept for this tab, then taken out of the address bar). Requests are
// queued while connecting; a lost connection fails the requests in flight (code DISCONNECTED) and
// reconnects with backoff; a request over the host's frame budget fails here, unsent.
import type { WsRequest, WsServerFrame } from '../../src-preload/contract/bridge-api';
import { MAX_FRAME_BYTES, TOKEN_PARAM, WS_PATH } from '../../src-preload/contract/bridge-api';
import type { IpcResult } from '../../src-preload/contract/result';

export type ConnectionState = 'connecting' | 'open' | 'closed';

type PushListener = (event: string, payload: unknown) => void;

interface PendingRequest {
  resolve(r: IpcResult<unknown>): void;
  frame: string;
}

const TOKEN_KEY = 'openfatture.token';
/** WebSocket.OPEN, spelled out so the transport also runs on sockets that lack the static constant. */
const OPEN = 1;

/** The token comes with the URL `openfatture serve` printed; kept for this tab so in-app navigation may drop it. */
export function pageToken(location: Pick<Location, 'search'>, storage?: Pick<Storage, 'getItem' | 'setItem'>): string | null {
  const fromUrl = new URLSearchParams(location.search).get(TOKEN_PARAM);
  if (fromUrl) {
    storage?.setItem(TOKEN_KEY, fromUrl);
    return fromUrl;
  }
  return storage?.getItem(TOKEN_KEY) ?? null;
}

/**
 * Takes the token out of the address bar once `pageToken` has kept it for this tab, so it does not
 * stay in the history, a bookmark or a screen share. A reload still works: the page is authorised by
 * the host's cookie and the socket by the kept token. Returns whether the address changed.
 */
export function dropTokenFromAddress(location: Pick<Location, 'href'>, history: Pick<History, 'state' | 'replaceState'>): boolean {
  const url = new URL(location.href);
  if (!url.searchParams.has(TOKEN_PARAM)) return false;
  url.searchParams.delete(TOKEN_PARAM);
  history.replaceState(history.state, '', `${url.pathname}${url.search}${url.hash}`);
  return true;
}

/** The UTF-8 size of a frame, computed only when it could be over the budget (a character is ≤ 3 bytes). */
function overFrameBudget(frame: string): number | null {
  if (frame.length * 3 <= MAX_FRAME_BYTES) return null;
  const bytes = new TextEncoder().encode(frame).length;
  return bytes > MAX_FRAME_BYTES ? bytes : null;
}

export function socketUrl(location: Pick<Location, 'protocol' | 'host'>, token: string | null): string {
  const scheme = location.protocol === 'https:' ? 'wss:' : 'ws:';
  return `${scheme}//${location.host}${WS_PATH}${token ? `?${TOKEN_PARAM}=${encodeURIComponent(token)}` : ''}`;
}

export class WsTransport {
  private ws: WebSocket | null = null;
  private seq = 0;
  private readonly pending = new Map<number, PendingRequest>();
  private readonly queue: number[] = [];
  private readonly pushListeners = new Set<PushListener>();
  private readonly stateListeners = new Set<(s: ConnectionState) => void>();
  private state: ConnectionState = 'closed';
  private retryMs = 250;
  private retryTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    private readonly url: string,
    private readonly makeSocket: (url: string) => WebSocket = (u) => new WebSocket(u),
  ) {}

  get connection(): ConnectionState {
    return this.state;
  }

  request(channel: string, args: unknown): Promise<IpcResult<unknown>> {
    const id = ++this.seq;
    const frame: WsRequest = { id, channel, args };
    const text = JSON.stringify(frame);
    const bytes = overFrameBudget(text);
    if (bytes !== null) {
      return Promise.resolve({ ok: false, error: { code: 'BAD_FRAME', message: `${channel}: the request is ${bytes} bytes, over the limit of ${MAX_FRAME_BYTES} bytes; it was not sent` } });
    }
    return new Promise((resolve) => {
      this.pending.set(id, { resolve, frame: text });
      if (this.ws && this.ws.readyState === OPEN) this.ws.send(this.pending.get(id)!.frame);
      else {
        this.queue.push(id);
        this.connect();
      }
    });
  }

  onPush(listener: PushListener): () => void {
    this.pushListeners.add(listener);
    this.connect();
    return () => this.pushListeners.delete(listener);
  }

  onState(listener: (s: ConnectionState) => void): () => void {
    this.stateListeners.add(listener);
    listener(this.state);
    return () => this.stateListeners.delete(listener);
  }

  private setState(s: ConnectionState): void {
    if (this.state === s) return;
    this.state = s;
    for (const l of this.stateListeners) l(s);
  }

  private connect(): void {
    if (this.ws || this.retryTimer) return;
    this.setState('connecting');
    const ws = this.makeSocket(this.url);
    this.ws = ws;
    ws.onopen = () => {
      this.retryMs = 250;
      this.setState('open');
      for (const id of this.queue.splice(0)) {
        const p = this.pending.get(id);
        if (p) ws.send(p.frame);
      }
    };
    ws.onmessage = (e: MessageEvent) => this.onFrame(String(e.data));
    ws.onclose = () => {
      this.ws = null;
      this.setState('closed');
      // Requests already sent may or may not have run: report that instead of resending them.
      for (const [id, p] of this.pending) {
        if (this.queue.includes(id)) continue;
        this.pending.delete(id);
        p.resolve({ ok: false, error: { code: 'DISCONNECTED', message: 'the connection to OpenFatture was lost; try again' } });
      }
      this.scheduleReconnect();
    };
    ws.onerror = () => undefined; // onclose follows and handles it
  }

  private scheduleReconnect(): void {
    if (this.retryTimer) return;
    if (this.pushListeners.size === 0 && this.queue.length === 0) return;
    const delay = this.retryMs;
    this.retryMs = Math.min(this.retryMs * 2, 5_000);
    this.retryTimer = setTimeout(() => {
      this.retryTimer = null;
      this.connect();
    }, delay);
  }

  private onFrame(text: string): void {
    let frame: WsServerFrame;
    try {
      frame = JSON.parse(text) as WsServerFrame;
    } catch {
      return;
    }
    if ('event' in frame) {
      for (const l of this.pushListeners) l(frame.event, frame.payload);
      return;
    }
    const p = this.pending.get(frame.id);
    if (!p) return;
    this.pending.delete(frame.id);
    p.resolve(frame.result);
  }
}
