// The shape of `window.openfatture` (Electron preload) and of the WebSocket messages of the browser
// host: both carry the same contract.
import type { Channel, ChannelArgs, ChannelResult } from './channels';
import type { EventName, EventPayload } from './push-events';
import type { IpcResult } from './result';

export interface OpenFattureBridge {
  invoke<C extends Channel>(channel: C, args: ChannelArgs<C>): Promise<IpcResult<ChannelResult<C>>>;
  /** Subscribes to a push; returns the unsubscribe function. */
  on<E extends EventName>(event: E, cb: (payload: EventPayload<E>) => void): () => void;
  readonly host: 'electron';
}

/** Electron IPC channel names used by the preload and main (never exposed to the renderer). */
export const IPC_INVOKE = 'openfatture:invoke';
export const IPC_EVENT = 'openfatture:event';

/** Browser host WebSocket frames. */
export type WsRequest = { id: number; channel: string; args: unknown };
export type WsResponse = { id: number; result: IpcResult<unknown> };
export type WsPush = { event: EventName; payload: unknown };
export type WsServerFrame = WsResponse | WsPush;

export const WS_PATH = '/ws';
export const TOKEN_PARAM = 'token';
