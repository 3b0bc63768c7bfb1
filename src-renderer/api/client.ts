// The renderer's one way to reach main: `api.invoke(channel, args)` and `api.on(event, cb)`, typed
// from the contract. Inside Electron it uses the preload's `window.openfatture`; in a browser (the
// `openfatture serve` host) the WebSocket on the page's origin.
import type { OpenFattureBridge } from '../../src-preload/contract/bridge-api';
import type { Channel, ChannelArgs, ChannelResult } from '../../src-preload/contract/channels';
import type { EventName, EventPayload } from '../../src-preload/contract/push-events';
import type { IpcResult } from '../../src-preload/contract/result';
import { dropTokenFromAddress, pageToken, socketUrl, WsTransport, type ConnectionState } from './ws-transport';

declare global {
  interface Window {
    openfatture?: OpenFattureBridge;
  }
}

export interface OpenFattureApi {
  /** Which transport is in use. */
  readonly host: 'electron' | 'browser';
  invoke<C extends Channel>(channel: C, args: ChannelArgs<C>): Promise<IpcResult<ChannelResult<C>>>;
  /** Subscribes to a push from main; returns the unsubscribe function. */
  on<E extends EventName>(event: E, cb: (payload: EventPayload<E>) => void): () => void;
  /** Connection state (always 'open' over the Electron bridge). */
  onConnection(cb: (state: ConnectionState) => void): () => void;
}

export function bridgeApi(bridge: OpenFattureBridge): OpenFattureApi {
  return {
    host: 'electron',
    invoke: (channel, args) => bridge.invoke(channel, args),
    on: (event, cb) => bridge.on(event, cb),
    onConnection: (cb) => {
      cb('open');
      return () => undefined;
    },
  };
}

export function websocketApi(transport: WsTransport): OpenFattureApi {
  return {
    host: 'browser',
    invoke: (channel, args) => transport.request(channel, args) as Promise<IpcResult<ChannelResult<typeof channel>>>,
    on: (event, cb) => transport.onPush((name, payload) => {
      if (name === event) cb(payload as EventPayload<typeof event>);
    }),
    onConnection: (cb) => transport.onState(cb),
  };
}

function sessionStore(): Storage | undefined {
  try {
    return window.sessionStorage;
  } catch {
    return undefined;
  }
}

function createApi(): OpenFattureApi {
  if (typeof window !== 'undefined' && window.openfatture) return bridgeApi(window.openfatture);
  const token = pageToken(window.location, sessionStore());
  dropTokenFromAddress(window.location, window.history);
  return websocketApi(new WsTransport(socketUrl(window.location, token)));
}

export const api: OpenFattureApi = createApi();
export type { ConnectionState };
