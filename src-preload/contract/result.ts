// How every request result crosses the renderer ⇄ main boundary (DESIGN §2).
import type { RetrainingMessage } from '../../src-shared/retraining-message';

/** `messages`: the structured form of a retraining error, so the UI can word it in its own language. */
export type IpcError = { code: string; message: string; messages?: RetrainingMessage[] };
export type IpcResult<T> = { ok: true; value: T } | { ok: false; error: IpcError };

export const ok = <T>(value: T): IpcResult<T> => ({ ok: true, value });
export const fail = (code: string, message: string, messages?: readonly RetrainingMessage[] | null): IpcResult<never> => ({
  ok: false,
  error: messages?.length ? { code, message, messages: [...messages] } : { code, message },
});
