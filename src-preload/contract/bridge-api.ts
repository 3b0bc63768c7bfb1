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

/**
 * Browser host WebSocket frames. A request is a JSON text frame `{id, channel, args}` (id a whole number
 * from 0 up, echoed in its response). A frame the host cannot read is answered with the error code
 * `BAD_FRAME`; a request beyond the connection's queue limit is answered `BUSY` at once, without
 * running. A frame answered before it was parsed (too large, BUSY) gets its id back only when it starts
 * with `{"id": n` — as this contract's clients write it — and UNKNOWN_FRAME_ID otherwise.
 */
export type WsRequest = { id: number; channel: string; args: unknown };
export type WsResponse = { id: number; result: IpcResult<unknown> };
export type WsPush = { event: EventName; payload: unknown };
export type WsServerFrame = WsResponse | WsPush;

export const WS_PATH = '/ws';
export const TOKEN_PARAM = 'token';
/** The id of a response to a frame whose own id could not be read. */
export const UNKNOWN_FRAME_ID = -1;
/** Largest request frame the host reads (UTF-8 bytes); a larger one is answered BAD_FRAME unread. */
export const MAX_FRAME_BYTES = 1024 * 1024;
/** Deepest nesting of objects and arrays in a request frame (the frame object itself is level 1). */
export const MAX_FRAME_DEPTH = 32;
