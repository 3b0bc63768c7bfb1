// The stores' one way to reach main: invokes a contract channel through the API client and turns
// `{ok:false,error}` into a thrown ApiError, so store actions read as plain async code. The client
// is loaded on first use, which keeps the stores' pure logic importable by unit tests outside a
// browser page (the client connects to its host as soon as it loads).
import type { OpenFattureApi } from '../api/client';
import type { Channel, ChannelArgs, ChannelResult } from '../../src-preload/contract/channels';
import type { RetrainingMessage } from '../../src-shared/retraining-message';
import type { EventName, EventPayload } from '../../src-preload/contract/push-events';

export class ApiError extends Error {
  constructor(
    readonly code: string,
    message: string,
    /** The structured form of a retraining error (worded by the UI in its language), when main sent one. */
    readonly messages: RetrainingMessage[] | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

let client: Promise<OpenFattureApi> | null = null;
function getApi(): Promise<OpenFattureApi> {
  client ??= import('../api/client').then((m) => m.api);
  return client;
}

export async function call<C extends Channel>(channel: C, args: ChannelArgs<C>): Promise<ChannelResult<C>> {
  let result;
  try {
    result = await (await getApi()).invoke(channel, args);
  } catch (e) {
    throw new ApiError('NETWORK', e instanceof Error ? e.message : String(e));
  }
  if (!result.ok) throw new ApiError(result.error.code, result.error.message, result.error.messages ?? null);
  return result.value;
}

/** Registers a push listener once the client is ready; the returned function works at any time. */
function later(attach: (api: OpenFattureApi) => () => void): () => void {
  let off: (() => void) | null = null;
  let cancelled = false;
  void getApi().then((api) => {
    if (!cancelled) off = attach(api);
  });
  return () => {
    cancelled = true;
    off?.();
  };
}

export function subscribe<E extends EventName>(event: E, cb: (payload: EventPayload<E>) => void): () => void {
  return later((api) => api.on(event, cb));
}

/** Follows the transport (the browser host's WebSocket reconnects on its own). */
export function onConnection(cb: (state: 'connecting' | 'open' | 'closed') => void): () => void {
  return later((api) => api.onConnection(cb));
}

/** The structured messages of a failed call, for formatRetrainingMessages (null: use errorText). */
export function errorMessages(e: unknown): RetrainingMessage[] | null {
  return e instanceof ApiError ? e.messages : null;
}

export function errorText(e: unknown): string {
  return e instanceof Error ? e.message : String(e);
}

/** One async slice of a store: the last good data stays visible while a refresh runs or fails. */
export interface Slice<T> {
  data: T | null;
  loading: boolean;
  error: string | null;
}
export const emptySlice = <T>(): Slice<T> => ({ data: null, loading: false, error: null });
